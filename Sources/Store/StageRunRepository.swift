import Core
import Foundation
import Logging
import PostgresNIO

/// What the pipeline stages read and write: a message with its insights, its embedding (and
/// search index entry), and which stage ran on it. Runs on the caller's connection, inside the
/// stage job's transaction.
public enum StageRunRepository {
    /// A message as the stages see it, with what they found so far.
    public static func load(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws
        -> (StageMessage, MessageInsights)?
    {
        let rows = try await connection.query(
            """
            SELECT m.organization_id, m.thread_id, m.provider_msg_id, m.direction, m.type, m.text, m.sent_at,
                m.ai_language, m.ai_language_confidence, m.ai_intent, m.ai_intent_confidence, m.ai_sentiment,
                m.ai_sentiment_score, m.ai_entities_json::text, m.ai_extra::text, e.model, e.embedding::real[]
            FROM whatsapp_messages m
            LEFT JOIN message_embeddings e ON e.message_id = m.id AND e.organization_id = m.organization_id
            WHERE m.id = \(id)
            """,
            logger: logger
        )
        for try await row in rows.decode(
            (
                UUID, UUID?, String, String, String, String?, Date, String?, Float?, String?, Float?, String?, Float?,
                String?, String?, String?, [Float]?
            ).self
        ) {
            let message = StageMessage(
                organizationID: OrganizationID(row.0),
                messageID: id,
                threadID: row.1,
                providerMessageID: row.2,
                direction: MessageDirection(rawValue: row.3) ?? .inbound,
                type: row.4,
                text: row.5,
                sentAt: row.6
            )
            let insights = MessageInsights(
                language: row.7,
                languageConfidence: row.8.map(Double.init),
                intent: row.9,
                intentConfidence: row.10.map(Double.init),
                sentiment: row.11,
                sentimentScore: row.12.map(Double.init),
                entities: row.13.flatMap { try? JSONValue.parse(Data($0.utf8)) },
                extra: row.14.flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue } ?? [:],
                // A stage that runs after the embed stage (a retry, a backfill) sees the vector.
                embedding: row.16,
                embeddingModel: row.15
            )
            return (message, insights)
        }
        return nil
    }

    /// - Parameter writingEmbedding: whether the embedding changed since it was last stored
    ///   (each write updates the search index, so an unchanged vector is not written again).
    public static func save(
        _ insights: MessageInsights,
        of message: StageMessage,
        writingEmbedding: Bool,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let entities = insights.entities.map { String(decoding: $0.canonicalData(), as: UTF8.self) }
        let extra =
            insights.extra.isEmpty
            ? nil : String(decoding: JSONValue.object(insights.extra).canonicalData(), as: UTF8.self)
        try await connection.query(
            """
            UPDATE whatsapp_messages SET
                ai_language = \(insights.language), ai_language_confidence = \(insights.languageConfidence),
                ai_intent = \(insights.intent), ai_intent_confidence = \(insights.intentConfidence),
                ai_sentiment = \(insights.sentiment), ai_sentiment_score = \(insights.sentimentScore),
                ai_entities_json = \(entities)::jsonb, ai_extra = \(extra)::jsonb
            WHERE id = \(message.messageID) AND organization_id = \(message.organizationID.rawValue)
            """,
            logger: logger
        )
        if writingEmbedding, let embedding = insights.embedding {
            let literal = SearchRepository.vectorLiteral(embedding)
            try await connection.query(
                """
                INSERT INTO message_embeddings (message_id, organization_id, thread_id, contact_id, direction, sent_at,
                    model, embedding)
                VALUES (\(message.messageID), \(message.organizationID.rawValue), \(message.threadID),
                    (SELECT contact_id FROM whatsapp_threads WHERE id = \(message.threadID)),
                    \(message.direction.rawValue), \(message.sentAt), \(insights.embeddingModel ?? "unknown"),
                    \(literal)::vector)
                ON CONFLICT (message_id) DO UPDATE SET
                    model = EXCLUDED.model, embedding = EXCLUDED.embedding, created_at = now()
                """,
                logger: logger
            )
        }
    }

    /// Records that `stage` ran on `message` (failed, with the reason, when `failure` is set).
    public static func record(
        _ stage: String,
        of message: StageMessage,
        failure: String?,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let state = failure == nil ? "done" : "failed"
        try await connection.query(
            """
            INSERT INTO message_stage_runs (organization_id, message_id, stage, state, attempts, last_error)
            VALUES (\(message.organizationID.rawValue), \(message.messageID), \(stage), \(state), 1, \(failure))
            ON CONFLICT (message_id, stage) DO UPDATE SET
                state = EXCLUDED.state, attempts = message_stage_runs.attempts + 1,
                last_error = coalesce(EXCLUDED.last_error, message_stage_runs.last_error), updated_at = now()
            """,
            logger: logger
        )
    }

    /// The stages that ran on a message without failing.
    public static func stagesDone(on message: UUID, on connection: PostgresConnection, logger: Logger) async throws
        -> Set<String>
    {
        let rows = try await connection.query(
            "SELECT stage FROM message_stage_runs WHERE message_id = \(message) AND state = 'done'",
            logger: logger
        )
        var done = Set<String>()
        for try await stage in rows.decode(String.self) { done.insert(stage) }
        return done
    }

    // MARK: Backfill

    /// Forgets that `stages` ran on the organization's messages (every organization's when
    /// `organization` is nil), so they run again. - Returns: How many stage runs were cleared.
    public static func forget(
        _ stages: [String],
        organization: OrganizationID?,
        client: PostgresClient,
        logger: Logger
    ) async throws -> Int {
        let org = organization?.rawValue
        let rows = try await client.query(
            """
            WITH cleared AS (
                DELETE FROM message_stage_runs
                WHERE stage = ANY(\(stages)) AND (\(org)::uuid IS NULL OR organization_id = \(org))
                RETURNING 1
            ) SELECT count(*)::int FROM cleared
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// How many messages with text lack one of `stages` done.
    public static func pending(
        _ stages: [String],
        organization: OrganizationID?,
        client: PostgresClient,
        logger: Logger
    ) async throws -> Int {
        let org = organization?.rawValue
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM whatsapp_messages m WHERE m.text IS NOT NULL
                AND (\(org)::uuid IS NULL OR m.organization_id = \(org))
                AND (SELECT count(*) FROM message_stage_runs r WHERE r.message_id = m.id AND r.state = 'done'
                     AND r.stage = ANY(\(stages))) < \(stages.count)
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// The next `limit` messages with text, in id order after `after`, that lack one of `stages` done.
    public static func messagesLacking(
        _ stages: [String],
        organization: OrganizationID?,
        after: UUID,
        limit: Int,
        client: PostgresClient,
        logger: Logger
    ) async throws -> [UUID] {
        let org = organization?.rawValue
        let rows = try await client.query(
            """
            SELECT m.id FROM whatsapp_messages m WHERE m.id > \(after) AND m.text IS NOT NULL
                AND (\(org)::uuid IS NULL OR m.organization_id = \(org))
                AND (SELECT count(*) FROM message_stage_runs r WHERE r.message_id = m.id AND r.state = 'done'
                     AND r.stage = ANY(\(stages))) < \(stages.count)
            ORDER BY m.id LIMIT \(limit)
            """,
            logger: logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }
}
