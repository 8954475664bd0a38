import Core
import Foundation

/// Where the extract stage gets an organization's catalog (a cache over the store in the
/// server; a fixed one in tests and evaluations).
public protocol CatalogSource: Sendable {
    func catalog(for organization: OrganizationID) async throws -> Catalog
}

/// The same catalog for everyone.
public struct FixedCatalog: CatalogSource {
    public var catalog: Catalog
    public init(_ catalog: Catalog = Catalog()) { self.catalog = catalog }
    public func catalog(for organization: OrganizationID) async throws -> Catalog { catalog }
}

/// The pipeline stage that finds every inbound message's entities and BANT cues. It reads the
/// text as stored (contact data is found before redaction; the redacted text the embed stage
/// and LLMs read never holds it), resolves times against the message's sent time in the
/// contact's zone, and runs after detect, so it knows the message's language.
public struct ExtractStage: PipelineStage {
    public let extractor: Extractor
    public let cues: BANTCueFinder
    public let catalogs: any CatalogSource
    public var name: String { "extract" }

    public init(extractor: Extractor = Extractor(), catalogs: any CatalogSource = FixedCatalog()) {
        self.extractor = extractor
        self.cues = BANTCueFinder()
        self.catalogs = catalogs
    }

    public func process(_ message: StageMessage, insights: inout MessageInsights) async throws {
        guard message.direction == .inbound, let text = message.text, !text.isEmpty else { return }
        let (zone, region) = ContactLocale.resolve(
            organizationTimeZone: message.organizationTimeZone,
            phone: message.contactPhone
        )
        let context = ExtractionContext(
            referenceTime: message.sentAt,
            timeZone: zone,
            language: insights.language,
            region: region,
            catalog: try await catalogs.catalog(for: message.organizationID)
        )
        let scalars = ScalarText(text)
        insights.entities = .array(extractor.extract(scalars, context: context).map(\.json))
        let found = cues.cues(in: scalars)
        insights.extra["bant_cues"] = found.isEmpty ? nil : .array(found.map(\.json))
    }
}
