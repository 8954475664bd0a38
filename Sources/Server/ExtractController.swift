import Core
import Extract
import Foundation
import Hummingbird
import Store

/// `POST /api/insights/extract` — the extract stage on arbitrary text, and
/// `GET/PUT /api/insights/settings` — the organization's time zone and BANT thresholds.
public struct ExtractController: Sendable {
    public let organizations: OrganizationRepository
    public let catalogs: any CatalogSource
    let extractor = Extractor()
    let cues = BANTCueFinder()

    public init(organizations: OrganizationRepository, catalogs: any CatalogSource) {
        self.organizations = organizations
        self.catalogs = catalogs
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/insights/extract", use: extract)
        group.get("/insights/settings", use: settings)
        group.put("/insights/settings", use: updateSettings)
    }

    /// Body `{"text", "reference_time"?, "timezone"?, "language"?, "region"?}`: the time
    /// defaults to now, the zone to the organization's (else UTC), the language to all.
    @Sendable func extract(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let body = try await request.jsonObject(maxBytes: 64 * 1024)
        func invalid(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_body", message: message) }
        guard let text = body["text"]?.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { throw invalid("text must be a non-empty string") }
        guard text.count <= 4_096 else { throw invalid("text is longer than 4,096 characters (WhatsApp's limit)") }
        var reference = Date()
        if let value = body["reference_time"], value != .null {
            guard let string = value.stringValue, let date = Instant.parse(string) else {
                throw invalid("reference_time must be an ISO 8601 instant such as 2026-03-10T14:00:00Z")
            }
            reference = date
        }
        var zoneName = try await organizations.insightSettings(org).timeZone ?? "UTC"
        if let value = body["timezone"], value != .null {
            guard let name = value.stringValue, TimeZone(identifier: name) != nil else {
                throw invalid("timezone must be an IANA time zone such as America/Sao_Paulo")
            }
            zoneName = name
        }
        let zone = TimeZone(identifier: zoneName) ?? .gmt
        let language = body["language"]?.stringValue?.lowercased()
        let region = body["region"]?.stringValue?.uppercased()
        let context = ExtractionContext(
            referenceTime: reference,
            timeZone: zone,
            language: language,
            region: region,
            catalog: try await catalogs.catalog(for: org)
        )
        let scalars = ScalarText(text)
        let entities = extractor.extract(scalars, context: context)
        return .json(
            .object([
                "entities": .array(entities.map(\.json)),
                "bant_cues": .array(cues.cues(in: scalars).map(\.json)),
                "reference_time": .string(reference.formatted(.iso8601)),
                "timezone": .string(zone.identifier),
            ])
        )
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        return .json(Self.json(try await organizations.insightSettings(org)))
    }

    /// Body `{"timezone"?, "bant": {"engaged_threshold"?, "qualified_threshold"?}}`; what is left
    /// out keeps its value. `wainsight backfill` applies new thresholds to every thread.
    @Sendable func updateSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let body = try await request.jsonObject(maxBytes: 16 * 1024)
        func invalid(_ message: String) -> APIError {
            APIError(.badRequest, code: "invalid_settings", message: message)
        }
        var settings = try await organizations.insightSettings(org)
        if let value = body["timezone"] {
            if value == .null {
                settings.timeZone = nil
            } else {
                guard let name = value.stringValue, TimeZone(identifier: name) != nil else {
                    throw invalid("timezone must be an IANA time zone such as America/Sao_Paulo, or null")
                }
                settings.timeZone = name
            }
        }
        if let bant = body["bant"] {
            guard bant.objectValue != nil else { throw invalid("bant must be an object") }
            for (key, path) in [
                ("engaged_threshold", \InsightSettings.engagedThreshold),
                ("qualified_threshold", \InsightSettings.qualifiedThreshold),
            ] {
                guard let value = bant[key] else { continue }
                guard case .number(let number) = value, (0...1).contains(number) else {
                    throw invalid("bant.\(key) must be a number from 0 to 1")
                }
                settings[keyPath: path] = number
            }
        }
        guard settings.engagedThreshold <= settings.qualifiedThreshold else {
            throw invalid("bant.engaged_threshold must not be above bant.qualified_threshold")
        }
        try await organizations.setInsightSettings(settings, organization: org)
        return .json(Self.json(settings))
    }

    static func json(_ settings: InsightSettings) -> JSONValue {
        .object([
            "timezone": settings.timeZone.map(JSONValue.string) ?? .null,
            "bant": .object([
                "engaged_threshold": .number(settings.engagedThreshold),
                "qualified_threshold": .number(settings.qualifiedThreshold),
            ]),
        ])
    }
}
