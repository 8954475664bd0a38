import Core
import Foundation
import Logging
import PostgresNIO

/// What reply drafts for a thread are made from.
public struct DraftContext: Sendable {
    public var organization: OrganizationID
    public var careWindowExpiresAt: Date?
    public var contactName: String?
    /// The contact's WhatsApp number (wa_id).
    public var contactPhone: String?
    /// The customer's latest message with text: id, its texts, language, intent.
    public var lastInbound: (id: UUID, text: String, language: String?, intent: String?)?
    /// The embedding of that message, and the model that made it.
    public var lastInboundVector: (vector: [Float], model: String)?
    /// Every entity of the customer's messages, oldest first.
    public var customerEntities: [JSONValue]
}

/// The reads behind reply drafts.
public enum DraftRepository {
    /// The thread's draft context; `nil` when it is not the organization's.
    public static func context(
        thread: UUID,
        organization: OrganizationID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> DraftContext? {
        let threads = try await connection.query(
            """
            SELECT t.care_window_expires_at, c.profile_name, c.wa_id FROM whatsapp_threads t
            JOIN whatsapp_contacts c ON c.id = t.contact_id
            WHERE t.id = \(thread) AND t.organization_id = \(organization.rawValue)
            """,
            logger: logger
        )
        var context: DraftContext?
        for try await row in threads.decode((Date?, String?, String?).self) {
            context = DraftContext(
                organization: organization,
                careWindowExpiresAt: row.0,
                contactName: row.1,
                contactPhone: row.2,
                customerEntities: []
            )
        }
        guard var context else { return nil }
        let rows = try await connection.query(
            """
            SELECT m.id, concat_ws(E'\\n\\n', m.text, m.media_text), m.ai_language, m.ai_intent, m.ai_entities_json::text,
                e.embedding::real[], e.model
            FROM whatsapp_messages m
            LEFT JOIN message_embeddings e ON e.message_id = m.id
            WHERE m.thread_id = \(thread) AND m.organization_id = \(organization.rawValue) AND m.direction = 'inbound'
                AND (m.text IS NOT NULL OR m.media_text IS NOT NULL) AND m.revoked_at IS NULL
            ORDER BY m.sent_at, m.id
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String?, String?, String?, [Float]?, String?).self) {
            context.lastInbound = (row.0, row.1, row.2, row.3)
            context.lastInboundVector = row.5.flatMap { vector in row.6.map { (vector, $0) } }
            context.customerEntities += row.4.flatMap { try? JSONValue.parse(Data($0.utf8)).arrayValue } ?? []
        }
        return context
    }

    /// The organization's human replies to the inbound messages nearest `vector` (of `model`),
    /// in other threads: each the first text the business sent after that message, within a day.
    public static func pastReplies(
        near vector: [Float],
        model: String,
        organization: OrganizationID,
        excludingThread thread: UUID,
        limit: Int,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [(messageID: UUID, text: String, similarity: Double)] {
        let literal = SearchRepository.vectorLiteral(vector)
        let rows = try await connection.query(
            """
            WITH near AS (
                SELECT e.message_id, e.thread_id, e.sent_at, 1 - (e.embedding <=> \(literal)::vector) AS similarity
                FROM message_embeddings e
                WHERE e.organization_id = \(organization.rawValue) AND e.direction = 'inbound' AND e.model = \(model)
                    AND e.thread_id IS DISTINCT FROM \(thread)
                ORDER BY e.embedding::halfvec(384) <=> \(literal)::halfvec(384)
                LIMIT \(limit * 4)
            )
            SELECT r.id, r.text, n.similarity FROM near n
            JOIN LATERAL (
                SELECT o.id, o.text FROM whatsapp_messages o
                WHERE o.thread_id = n.thread_id AND o.organization_id = \(organization.rawValue)
                    AND o.direction = 'outbound' AND o.type = 'text' AND o.text IS NOT NULL
                    AND o.sent_at > n.sent_at AND o.sent_at < n.sent_at + interval '1 day'
                ORDER BY o.sent_at LIMIT 1
            ) r ON true
            ORDER BY n.similarity DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var replies: [(messageID: UUID, text: String, similarity: Double)] = []
        for try await row in rows.decode((UUID, String, Double).self) { replies.append(row) }
        return replies
    }
}
