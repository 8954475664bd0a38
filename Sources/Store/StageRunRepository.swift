import Core
import Foundation
import Logging
import PostgresNIO

/// What the pipeline stages read and write: a message with its insights, its embedding (and
/// search index entry), and which stage ran on it. Runs on the caller's connection, inside the
/// stage job's transaction.
public enum StageRunRepository {
    /// A message as the stages see it, with what they found so far. Its row stays locked to the
    /// end of the transaction, so text read from its media meanwhile (``MediaRepository``'s
    /// `recordMediaText`) waits for this run and then runs the stages again, instead of being
    /// marked done by a run that never saw it.
    public static func load(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws
        -> (StageMessage, MessageInsights)?
    {
        let rows = try await connection.query(
            """
            SELECT m.organization_id, m.thread_id, m.provider_msg_id, m.direction, m.type, m.text, m.sent_at,
                \(unescaped: insightColumns), e.model, e.embedding::real[], c.wa_id, o.time_zone, m.media_text
            FROM whatsapp_messages m
            JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN message_embeddings e ON e.message_id = m.id AND e.organization_id = m.organization_id
            LEFT JOIN whatsapp_threads t ON t.id = m.thread_id AND t.organization_id = m.organization_id
            LEFT JOIN whatsapp_contacts c ON c.id = t.contact_id AND c.organization_id = m.organization_id
            WHERE m.id = \(id)
            FOR UPDATE OF m
            """,
            logger: logger
        )
        for try await row in rows.decode(
            (
                UUID, UUID?, String, String, String, String?, Date, String?, Float?, String?, Float?, String?, Float?,
                String?, String?, String?, [Float]?, String?, String?, String?
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
                mediaText: row.19,
                sentAt: row.6,
                contactPhone: row.17,
                organizationTimeZone: row.18
            )
            var insights = Self.insights((row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14))
            // A stage that runs after the embed stage (a retry, a backfill) sees the vector.
            insights.embedding = row.16
            insights.embeddingModel = row.15
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

    /// How many messages with text (their own, or inside their media) lack one of `stages` done.
    public static func pending(
        _ stages: [String],
        organization: OrganizationID?,
        client: PostgresClient,
        logger: Logger
    ) async throws -> Int {
        let org = organization?.rawValue
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM whatsapp_messages m WHERE (m.text IS NOT NULL OR m.media_text IS NOT NULL)
                AND (\(org)::uuid IS NULL OR m.organization_id = \(org))
                AND (SELECT count(*) FROM message_stage_runs r WHERE r.message_id = m.id AND r.state = 'done'
                     AND r.stage = ANY(\(stages))) < \(stages.count)
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// The next `limit` messages with text (their own, or inside their media), in id order after `after`, that lack one of `stages` done.
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
            SELECT m.id FROM whatsapp_messages m WHERE m.id > \(after) AND (m.text IS NOT NULL OR m.media_text IS NOT NULL)
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

    // MARK: Thread stages

    /// Locks the thread for its thread-level stages and returns every message's stored facts
    /// and the organization's settings. The lock (held to the end of the transaction) makes a
    /// second job on the same thread wait, then read this one's committed facts: each message's
    /// facts are saved before the lock is taken, so the last conclusion sees every message.
    /// - Returns: `nil` when the thread no longer exists.
    public static func lockThreadFacts(_ thread: UUID, on connection: PostgresConnection, logger: Logger) async throws
        -> (facts: [MessageFacts], settings: InsightSettings)?
    {
        let locked = try await connection.query(
            """
            SELECT o.time_zone, o.bant_engaged_threshold, o.bant_qualified_threshold
            FROM whatsapp_threads t JOIN organizations o ON o.id = t.organization_id
            WHERE t.id = \(thread) FOR UPDATE OF t
            """,
            logger: logger
        )
        var settings: InsightSettings?
        for try await row in locked.decode((String?, Double, Double).self) {
            settings = InsightSettings(timeZone: row.0, engagedThreshold: row.1, qualifiedThreshold: row.2)
        }
        guard let settings else { return nil }
        let rows = try await connection.query(
            """
            SELECT m.id, m.direction, m.sent_at, \(unescaped: insightColumns)
            FROM whatsapp_messages m
            JOIN whatsapp_threads t ON t.id = m.thread_id AND t.organization_id = m.organization_id
            WHERE m.thread_id = \(thread)
            """,
            logger: logger
        )
        var facts: [MessageFacts] = []
        for try await row in rows.decode(
            (UUID, String, Date, String?, Float?, String?, Float?, String?, Float?, String?, String?).self
        ) {
            facts.append(
                MessageFacts(
                    messageID: row.0,
                    direction: MessageDirection(rawValue: row.1) ?? .inbound,
                    sentAt: row.2,
                    insights: Self.insights((row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10))
                )
            )
        }
        return (facts, settings)
    }

    /// Stores a thread-level conclusion (BANT and the qualification stage) on the thread.
    public static func saveConclusion(
        _ conclusion: ThreadConclusion,
        thread: UUID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let document = String(decoding: conclusion.document.canonicalData(), as: UTF8.self)
        try await connection.query(
            """
            UPDATE whatsapp_threads SET ai_bant_json = \(document)::jsonb, ai_stage = \(conclusion.stage),
                ai_bant_updated_at = now()
            WHERE id = \(thread)
            """,
            logger: logger
        )
    }

    /// The threads of the organization (every organization's when `nil`) that have messages,
    /// in id order after `after`: backfill concludes each again.
    public static func threadsWithMessages(
        organization: OrganizationID?,
        after: UUID,
        limit: Int,
        client: PostgresClient,
        logger: Logger
    ) async throws -> [UUID] {
        let org = organization?.rawValue
        let rows = try await client.query(
            """
            SELECT t.id FROM whatsapp_threads t
            WHERE t.id > \(after) AND (\(org)::uuid IS NULL OR t.organization_id = \(org))
                AND EXISTS (SELECT 1 FROM whatsapp_messages m WHERE m.thread_id = t.id)
            ORDER BY t.id LIMIT \(limit)
            """,
            logger: logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// The stored insight columns, in this order, as `load` and `lockThreadFacts` select them.
    static let insightColumns = """
        m.ai_language, m.ai_language_confidence, m.ai_intent, m.ai_intent_confidence, m.ai_sentiment,
        m.ai_sentiment_score, m.ai_entities_json::text, m.ai_extra::text
        """

    /// A message's insights from its ``insightColumns``.
    static func insights(
        _ row: (String?, Float?, String?, Float?, String?, Float?, String?, String?)
    ) -> MessageInsights {
        MessageInsights(
            language: row.0,
            languageConfidence: row.1.map(Double.init),
            intent: row.2,
            intentConfidence: row.3.map(Double.init),
            sentiment: row.4,
            sentimentScore: row.5.map(Double.init),
            entities: row.6.flatMap { try? JSONValue.parse(Data($0.utf8)) },
            extra: row.7.flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue } ?? [:]
        )
    }
}
