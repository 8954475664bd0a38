import Core
import Foundation
import Logging
import PostgresNIO

extension MessageTemplate {
    static let columns = """
        waba_id, provider_template_id, name, language, status, category, parameter_format, components::text,
        quality_score, rejected_reason, updated_at
        """

    /// A row of exactly ``columns``.
    init(row: PostgresRow) throws {
        let (waba, providerID, name, language, status, category, format, components, quality, reason, updated) =
            try row.decode(
                (String, String?, String, String, String, String?, String?, String, String?, String?, Date).self
            )
        self.init(
            wabaID: waba,
            providerTemplateID: providerID,
            name: name,
            language: language,
            status: status,
            category: category,
            parameterFormat: format,
            components: try JSONValue.parse(Data(components.utf8)).arrayValue ?? [],
            qualityScore: quality,
            rejectedReason: reason,
            updatedAt: updated
        )
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

    /// Applies a template change Meta announced by webhook, inside the ingest transaction. A
    /// change older than what is stored changes nothing.
    public static func apply(
        _ update: TemplateUpdate,
        organization: OrganizationID,
        wabaID: String,
        occurredAt: Date,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let org = organization.rawValue
        let (status, quality, category, reason) = (update.status, update.qualityScore, update.category, update.reason)
        guard let name = update.name, let language = update.language else {
            // Without name and language the template cannot be keyed; an id alone updates a synced row.
            guard let templateID = update.templateID else { return }
            try await connection.query(
                """
                UPDATE whatsapp_templates SET status = coalesce(\(status)::text, status),
                    quality_score = coalesce(\(quality)::text, quality_score), category = coalesce(\(category)::text, category),
                    rejected_reason = CASE WHEN \(status)::text IS NULL THEN rejected_reason ELSE \(reason) END,
                    status_changed_at = \(occurredAt), updated_at = now()
                WHERE organization_id = \(org) AND provider_template_id = \(templateID)
                    AND (status_changed_at IS NULL OR status_changed_at <= \(occurredAt))
                """,
                logger: logger
            )
            return
        }
        try await connection.query(
            """
            INSERT INTO whatsapp_templates AS t (organization_id, waba_id, provider_template_id, name, language, status,
                category, quality_score, rejected_reason, status_changed_at)
            VALUES (\(org), \(wabaID), \(update.templateID), \(name), \(language), coalesce(\(status)::text, 'UNKNOWN'),
                \(category), \(quality), \(reason), \(occurredAt))
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
