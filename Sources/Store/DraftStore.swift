import Core
import Foundation
import Logging
import PostgresNIO

/// A stored reply draft: what a send that names it is compared with.
public struct StoredDraft: Sendable, Equatable {
    public var id: UUID
    public var threadID: UUID
    public var mode: String
    public var text: String
    public var templateName: String?
    public var parameters: [String]
    public var outcome: String?
}

/// Where reply drafts are kept, and whether they were used.
public protocol DraftStoring: Sendable {
    func save(
        id: UUID,
        thread: UUID,
        organization: OrganizationID,
        method: String,
        mode: String,
        language: String,
        text: String,
        template: (name: String, language: String)?,
        parameters: [String],
        sources: JSONValue
    ) async throws
    func draft(_ id: UUID, organization: OrganizationID) async throws -> StoredDraft?
    /// Records that a send used the draft (`as_is` or `edited`); a draft is used once.
    /// - Returns: Whether it was recorded (false: used already).
    func recordUse(_ id: UUID, organization: OrganizationID, outcome: String, outboxMessage: UUID) async throws -> Bool
}

/// ``DraftStoring`` on Postgres.
public struct DraftStore: DraftStoring {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func save(
        id: UUID,
        thread: UUID,
        organization: OrganizationID,
        method: String,
        mode: String,
        language: String,
        text: String,
        template: (name: String, language: String)?,
        parameters: [String],
        sources: JSONValue
    ) async throws {
        let parameterJSON = String(
            decoding: JSONValue.array(parameters.map(JSONValue.string)).canonicalData(),
            as: UTF8.self
        )
        let sourceJSON = String(decoding: sources.canonicalData(), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO reply_drafts (id, organization_id, thread_id, method, mode, language, text, template_name,
                template_language, parameters, sources)
            VALUES (\(id), \(organization.rawValue), \(thread), \(method), \(mode), \(language), \(text), \(template?.name),
                \(template?.language), \(parameterJSON)::jsonb, \(sourceJSON)::jsonb)
            """,
            logger: logger
        )
    }

    public func draft(_ id: UUID, organization: OrganizationID) async throws -> StoredDraft? {
        let rows = try await client.query(
            """
            SELECT id, thread_id, mode, text, template_name, parameters::text, outcome FROM reply_drafts
            WHERE id = \(id) AND organization_id = \(organization.rawValue)
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, UUID, String, String, String?, String, String?).self) {
            return StoredDraft(
                id: row.0,
                threadID: row.1,
                mode: row.2,
                text: row.3,
                templateName: row.4,
                parameters: (try? JSONValue.parse(Data(row.5.utf8)).arrayValue?.compactMap(\.stringValue)) ?? [],
                outcome: row.6
            )
        }
        return nil
    }

    public func recordUse(_ id: UUID, organization: OrganizationID, outcome: String, outboxMessage: UUID) async throws
        -> Bool
    {
        let rows = try await client.query(
            """
            UPDATE reply_drafts SET outcome = \(outcome), outbox_message_id = \(outboxMessage), used_at = now()
            WHERE id = \(id) AND organization_id = \(organization.rawValue) AND outcome IS NULL
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
