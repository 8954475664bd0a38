import Core
import Foundation
import Logging
import PostgresNIO

/// A message template as last synced or announced by webhook.
public struct MessageTemplate: Sendable, Equatable {
    public var wabaID: String
    public var providerTemplateID: String?
    public var name: String
    public var language: String
    /// APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ... (an open set), or DELETED when a
    /// full sync no longer finds it.
    public var status: String
    /// MARKETING, UTILITY or AUTHENTICATION.
    public var category: String?
    /// POSITIONAL (`{{1}}`) or NAMED (`{{first_name}}`).
    public var parameterFormat: String?
    /// The template's components as Meta defines them (HEADER, BODY, FOOTER, BUTTONS).
    public var components: [JSONValue]
    public var qualityScore: String?
    public var rejectedReason: String?
    public var updatedAt: Date

    public var isApproved: Bool { status == "APPROVED" }

    public init(
        wabaID: String,
        providerTemplateID: String? = nil,
        name: String,
        language: String,
        status: String,
        category: String?,
        parameterFormat: String? = nil,
        components: [JSONValue],
        qualityScore: String? = nil,
        rejectedReason: String? = nil,
        updatedAt: Date = Date()
    ) {
        self.wabaID = wabaID
        self.providerTemplateID = providerTemplateID
        self.name = name
        self.language = language
        self.status = status
        self.category = category
        self.parameterFormat = parameterFormat
        self.components = components
        self.qualityScore = qualityScore
        self.rejectedReason = rejectedReason
        self.updatedAt = updatedAt
    }

    static let columns = """
        waba_id, provider_template_id, name, language, status, category, parameter_format, components::text,
        quality_score, rejected_reason, updated_at
        """

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        wabaID = try r[0].decode(String.self)
        providerTemplateID = try r[1].decode(String?.self)
        name = try r[2].decode(String.self)
        language = try r[3].decode(String.self)
        status = try r[4].decode(String.self)
        category = try r[5].decode(String?.self)
        parameterFormat = try r[6].decode(String?.self)
        components = try JSONValue.parse(Data(try r[7].decode(String.self).utf8)).arrayValue ?? []
        qualityScore = try r[8].decode(String?.self)
        rejectedReason = try r[9].decode(String?.self)
        updatedAt = try r[10].decode(Date.self)
    }
}

/// Templates of each WABA on Postgres: written by sync (the provider's listing) and by
/// template webhooks (status, quality, category), read by the compliance guard and the API.
public struct TemplateRepository: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Stores a full listing of a WABA's templates (every page). Templates the listing no longer
    /// has are marked DELETED, never removed (sent messages refer to them).
    /// - Returns: How many templates the listing held.
    @discardableResult
    public func replaceAll(organization: OrganizationID, wabaID: String, with listing: [JSONValue]) async throws -> Int
    {
        let org = organization.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            var kept: [String] = []
            for template in listing {
                guard let name = template["name"]?.nonEmptyString,
                    let language = template["language"]?.nonEmptyString
                        ?? template["language"]?["code"]?.nonEmptyString,
                    let status = template["status"]?.nonEmptyString
                else { continue }
                let components = String(
                    decoding: (template["components"] ?? .array([])).canonicalData(),
                    as: UTF8.self
                )
                let quality =
                    template["quality_score"]?["score"]?.nonEmptyString ?? template["quality_score"]?.nonEmptyString
                let rejected = template["rejected_reason"]?.nonEmptyString
                try await connection.query(
                    """
                    INSERT INTO whatsapp_templates (organization_id, waba_id, provider_template_id, name, language, status,
                        category, parameter_format, components, quality_score, rejected_reason, status_changed_at, synced_at)
                    VALUES (\(org), \(wabaID), \(template["id"]?.nonEmptyString), \(name), \(language), \(status.uppercased()),
                        \(template["category"]?.nonEmptyString?.uppercased()), \(template["parameter_format"]?.nonEmptyString?.uppercased()),
                        \(components)::jsonb, \(quality), \(rejected), now(), now())
                    ON CONFLICT (organization_id, waba_id, name, language) DO UPDATE SET
                        provider_template_id = coalesce(EXCLUDED.provider_template_id, whatsapp_templates.provider_template_id),
                        status = EXCLUDED.status, category = EXCLUDED.category, parameter_format = EXCLUDED.parameter_format,
                        components = EXCLUDED.components, quality_score = EXCLUDED.quality_score,
                        rejected_reason = EXCLUDED.rejected_reason, status_changed_at = now(), synced_at = now(),
                        updated_at = now()
                    """,
                    logger: logger
                )
                kept.append(name + "\u{1F}" + language)
            }
            try await connection.query(
                """
                UPDATE whatsapp_templates SET status = 'DELETED', status_changed_at = now(), updated_at = now()
                WHERE organization_id = \(org) AND waba_id = \(wabaID) AND status <> 'DELETED'
                    AND NOT (name || chr(31) || language = ANY(\(kept)))
                """,
                logger: logger
            )
            return kept.count
        }
    }

    /// Applies a template webhook (`message_template_status_update`,
    /// `message_template_quality_update`, `template_category_update`) inside the ingest
    /// transaction. A webhook older than what is stored changes nothing.
    /// - Returns: Whether the field was a template field.
    @discardableResult
    public static func applyWebhook(
        organization: OrganizationID,
        wabaID: String,
        field: String,
        value: JSONValue,
        occurredAt: Date,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        let org = organization.rawValue
        let templateID = value["message_template_id"]?.nonEmptyString
        let name = value["message_template_name"]?.nonEmptyString ?? value["name"]?.nonEmptyString
        let language = value["message_template_language"]?.nonEmptyString ?? value["language"]?.nonEmptyString
        var status: String?
        var quality: String?
        var category: String?
        switch field {
        case "message_template_status_update": status = value["event"]?.nonEmptyString?.uppercased()
        case "message_template_quality_update": quality = value["new_quality_score"]?.nonEmptyString?.uppercased()
        case "template_category_update": category = value["new_category"]?.nonEmptyString?.uppercased()
        default: return false
        }
        guard let name, let language else {
            // Without name and language the template cannot be keyed; an id alone updates a synced row.
            guard let templateID else { return true }
            try await connection.query(
                """
                UPDATE whatsapp_templates SET status = coalesce(\(status)::text, status),
                    quality_score = coalesce(\(quality)::text, quality_score), category = coalesce(\(category)::text, category),
                    rejected_reason = CASE WHEN \(status)::text IS NULL THEN rejected_reason ELSE \(value["reason"]?.nonEmptyString) END,
                    status_changed_at = \(occurredAt), updated_at = now()
                WHERE organization_id = \(org) AND provider_template_id = \(templateID)
                    AND (status_changed_at IS NULL OR status_changed_at <= \(occurredAt))
                """,
                logger: logger
            )
            return true
        }
        try await connection.query(
            """
            INSERT INTO whatsapp_templates AS t (organization_id, waba_id, provider_template_id, name, language, status,
                category, quality_score, rejected_reason, status_changed_at)
            VALUES (\(org), \(wabaID), \(templateID), \(name), \(language), coalesce(\(status)::text, 'UNKNOWN'), \(category),
                \(quality), \(value["reason"]?.nonEmptyString), \(occurredAt))
            ON CONFLICT (organization_id, waba_id, name, language) DO UPDATE SET
                provider_template_id = coalesce(EXCLUDED.provider_template_id, t.provider_template_id),
                status = coalesce(\(status)::text, t.status), quality_score = coalesce(\(quality)::text, t.quality_score),
                category = coalesce(\(category)::text, t.category),
                rejected_reason = CASE WHEN \(status)::text IS NULL THEN t.rejected_reason ELSE EXCLUDED.rejected_reason END,
                status_changed_at = EXCLUDED.status_changed_at, updated_at = now()
            WHERE t.status_changed_at IS NULL OR t.status_changed_at <= EXCLUDED.status_changed_at
            """,
            logger: logger
        )
        return true
    }

    /// Templates of the organization (optionally of one WABA), by name then language.
    public func list(organization: OrganizationID, wabaID: String? = nil) async throws -> [MessageTemplate] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: MessageTemplate.columns) FROM whatsapp_templates
            WHERE organization_id = \(organization.rawValue) AND (\(wabaID)::text IS NULL OR waba_id = \(wabaID))
            ORDER BY name, language
            """,
            logger: logger
        )
        var templates: [MessageTemplate] = []
        for try await row in rows { templates.append(try MessageTemplate(row: row)) }
        return templates
    }

    /// One template by name and language, if known.
    public func find(organization: OrganizationID, wabaID: String, name: String, language: String) async throws
        -> MessageTemplate?
    {
        let rows = try await client.query(
            """
            SELECT \(unescaped: MessageTemplate.columns) FROM whatsapp_templates
            WHERE organization_id = \(organization.rawValue) AND waba_id = \(wabaID) AND name = \(name)
                AND language = \(language)
            """,
            logger: logger
        )
        for try await row in rows { return try MessageTemplate(row: row) }
        return nil
    }
}
