import Core
import Foundation
import Logging
import PostgresNIO

/// A thread's message as its summary reads it.
public struct ThreadMessageRow: Sendable, Equatable {
    public var id: UUID
    public var direction: MessageDirection
    public var sentAt: Date
    public var text: String?
    public var mediaText: String?
    public var language: String?
    public var intent: String?
    public var entities: [JSONValue]
    public var cues: [JSONValue]
}

/// One stored version of a thread's summary.
public struct StoredSummary: Sendable, Equatable {
    public var version: Int
    public var lastMessageID: UUID
    public var lastMessageAt: Date
    public var messageCount: Int
    public var language: String
    public var document: JSONValue
    public var createdAt: Date
}

/// What the summary route reads: a thread's messages and BANT, and its stored versions.
public protocol SummaryReading: Sendable {
    func threadMessages(_ thread: UUID, organization: OrganizationID) async throws
        -> (messages: [ThreadMessageRow], bant: JSONValue?)?
    /// The latest version, or version `version`.
    func summary(_ thread: UUID, version: Int?, organization: OrganizationID) async throws -> StoredSummary?
}

/// ``SummaryReading`` on a connection pool.
public struct SummaryStore: SummaryReading {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func threadMessages(_ thread: UUID, organization: OrganizationID) async throws
        -> (messages: [ThreadMessageRow], bant: JSONValue?)?
    {
        try await client.withConnection { connection in
            try await SummaryRepository.threadMessages(
                thread,
                organization: organization,
                on: connection,
                logger: logger
            )
            .map { ($0.messages, $0.bant) }
        }
    }

    public func summary(_ thread: UUID, version: Int?, organization: OrganizationID) async throws -> StoredSummary? {
        try await client.withConnection { connection in
            try await SummaryRepository.summary(
                thread,
                version: version,
                organization: organization,
                on: connection,
                logger: logger
            )
        }
    }
}

/// Thread summaries on Postgres: what they are made from, and their versions.
public enum SummaryRepository {
    /// The thread's messages with text (their own or inside their media) and what the stages
    /// found, and its BANT conclusion; `nil` when the thread is not the organization's.
    public static func threadMessages(
        _ thread: UUID,
        organization: OrganizationID?,
        since: Date? = nil,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> (organization: OrganizationID, messages: [ThreadMessageRow], bant: JSONValue?)? {
        let org = organization?.rawValue
        let threads = try await connection.query(
            """
            SELECT organization_id, ai_bant_json::text FROM whatsapp_threads
            WHERE id = \(thread) AND (\(org)::uuid IS NULL OR organization_id = \(org))
            """,
            logger: logger
        )
        var owner: (UUID, String?)?
        for try await row in threads.decode((UUID, String?).self) { owner = row }
        guard let (organizationID, bant) = owner else { return nil }
        let rows = try await connection.query(
            """
            SELECT id, direction, sent_at, text, media_text, ai_language, ai_intent, ai_entities_json::text,
                (ai_extra -> 'bant_cues')::text
            FROM whatsapp_messages
            WHERE thread_id = \(thread) AND organization_id = \(organizationID)
                AND (text IS NOT NULL OR media_text IS NOT NULL) AND revoked_at IS NULL
                AND (\(since)::timestamptz IS NULL OR sent_at > \(since))
            ORDER BY sent_at, id
            """,
            logger: logger
        )
        var messages: [ThreadMessageRow] = []
        for try await row in rows.decode(
            (UUID, String, Date, String?, String?, String?, String?, String?, String?).self
        ) {
            messages.append(
                ThreadMessageRow(
                    id: row.0,
                    direction: MessageDirection(rawValue: row.1) ?? .inbound,
                    sentAt: row.2,
                    text: row.3,
                    mediaText: row.4,
                    language: row.5,
                    intent: row.6,
                    entities: row.7.flatMap { try? JSONValue.parse(Data($0.utf8)).arrayValue } ?? [],
                    cues: row.8.flatMap { try? JSONValue.parse(Data($0.utf8)).arrayValue } ?? []
                )
            )
        }
        return (OrganizationID(organizationID), messages, bant.flatMap { try? JSONValue.parse(Data($0.utf8)) })
    }

    /// The latest version, or version `version`.
    public static func summary(
        _ thread: UUID,
        version: Int? = nil,
        organization: OrganizationID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> StoredSummary? {
        let rows = try await connection.query(
            """
            SELECT version, last_message_id, last_message_at, message_count, language, document::text, created_at
            FROM thread_summaries
            WHERE thread_id = \(thread) AND organization_id = \(organization.rawValue)
                AND (\(version)::int IS NULL OR version = \(version))
            ORDER BY version DESC LIMIT 1
            """,
            logger: logger
        )
        for try await row in rows.decode((Int32, UUID, Date, Int32, String, String, Date).self) {
            return StoredSummary(
                version: Int(row.0),
                lastMessageID: row.1,
                lastMessageAt: row.2,
                messageCount: Int(row.3),
                language: row.4,
                document: (try? JSONValue.parse(Data(row.5.utf8))) ?? .null,
                createdAt: row.6
            )
        }
        return nil
    }

    /// Stores a new version, unless the latest already covers the same last message.
    /// - Returns: The version now current.
    @discardableResult
    public static func save(
        _ document: JSONValue,
        language: String,
        thread: UUID,
        organization: OrganizationID,
        lastMessage: (id: UUID, at: Date),
        messageCount: Int,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        let json = String(decoding: document.canonicalData(), as: UTF8.self)
        let rows = try await connection.query(
            """
            WITH latest AS (
                SELECT version, last_message_id FROM thread_summaries WHERE thread_id = \(thread)
                ORDER BY version DESC LIMIT 1
            ), made AS (
                INSERT INTO thread_summaries (organization_id, thread_id, version, last_message_id, last_message_at,
                    message_count, language, document)
                SELECT \(organization.rawValue), \(thread), coalesce((SELECT version FROM latest), 0) + 1,
                    \(lastMessage.id), \(lastMessage.at), \(Int32(messageCount)), \(language), \(json)::jsonb
                WHERE NOT EXISTS (SELECT 1 FROM latest WHERE last_message_id = \(lastMessage.id))
                RETURNING version
            )
            SELECT version FROM made UNION ALL SELECT version FROM latest
            """,
            logger: logger
        )
        var current = 0
        for try await version in rows.decode(Int32.self) { current = max(current, Int(version)) }
        return current
    }
}
