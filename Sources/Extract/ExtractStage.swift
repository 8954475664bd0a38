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

/// The pipeline stage that finds every inbound message's entities and BANT cues, in its own
/// text and in the text inside its image or document (those marked `"source": "media_text"`).
/// It reads the text as stored (contact data is found before redaction; the redacted text the embed stage
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
        let texts = message.texts
        guard message.direction == .inbound, !texts.isEmpty else { return }
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
        // The message's own text, then the text inside its media: offsets count in the text
        // they were found in, which `source` names (absent for the message's own).
        var entities: [JSONValue] = []
        var found: [JSONValue] = []
        for (source, text) in texts {
            let scalars = ScalarText(text)
            entities += extractor.extract(scalars, context: context).map { Self.marked($0.json, source: source) }
            found += cues.cues(in: scalars).map { Self.marked($0.json, source: source) }
        }
        insights.entities = .array(entities)
        insights.extra["bant_cues"] = found.isEmpty ? nil : .array(found)
    }

    static func marked(_ json: JSONValue, source: String?) -> JSONValue {
        guard let source, case .object(var object) = json else { return json }
        object["source"] = .string(source)
        return .object(object)
    }
}
