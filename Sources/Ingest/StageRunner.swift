import Core
import Foundation
import Logging
import PostgresNIO
import Store

/// Runs the ordered pipeline stages on one message and writes what they found.
///
/// A stage that completed is recorded and never runs again for that message; a stage that
/// throws is recorded with its error and the job is retried with backoff, resuming at that
/// stage. Each message is its own job, so one message's failing stage holds up nothing else.
public struct StageRunner: Sendable {
    public let stages: [any PipelineStage]
    public let logger: Logger

    public init(stages: [any PipelineStage], logger: Logger) {
        self.stages = stages
        self.logger = logger
    }

    /// Runs the stages not yet done on message `messageID`, inside the job's transaction.
    public func run(messageID: UUID, on connection: PostgresConnection) async throws -> JobOutcome {
        guard let (message, stored) = try await load(messageID, on: connection) else {
            // The message was deleted (its organization removed): nothing left to do.
            return .done
        }
        var done = Set<String>()
        let runs = try await connection.query(
            "SELECT stage FROM message_stage_runs WHERE message_id = \(messageID) AND state = 'done'",
            logger: logger
        )
        for try await stage in runs.decode(String.self) { done.insert(stage) }

        var insights = stored
        for stage in stages where !done.contains(stage.name) {
            let before = insights
            do {
                try await stage.process(message, insights: &insights)
            } catch {
                try await record(stage.name, of: message, failure: String(describing: error), on: connection)
                logger.info(
                    "pipeline stage failed",
                    metadata: [
                        "wa.message.id": "\(message.providerMessageID)", "stage": "\(stage.name)", "error": "\(error)",
                    ]
                )
                return .retry(reason: "stage \(stage.name): \(error)")
            }
            try await save(
                insights,
                of: message,
                writingEmbedding: Self.embeddingChanged(before, insights),
                on: connection
            )
            try await record(stage.name, of: message, failure: nil, on: connection)
        }
        return .done
    }

    /// Runs every stage not yet done on several messages at once, in the caller's transaction
    /// (backfill): each stage sees the batch, so stages that batch well (embeddings) do.
    /// - Returns: How many messages had a stage to run.
    @discardableResult
    public func runBatch(messageIDs: [UUID], on connection: PostgresConnection) async throws -> Int {
        // Each message, its insights, and the stages done.
        var loaded: [(StageMessage, MessageInsights, Set<String>)] = []
        for id in messageIDs {
            guard let (message, insights) = try await load(id, on: connection) else { continue }
            var done = Set<String>()
            for try await stage in try await connection.query(
                "SELECT stage FROM message_stage_runs WHERE message_id = \(id) AND state = 'done'",
                logger: logger
            ).decode(String.self) { done.insert(stage) }
            loaded.append((message, insights, done))
        }
        var touched = Set<UUID>()
        for stage in stages {
            let pending = loaded.indices.filter { !loaded[$0].2.contains(stage.name) }
            guard !pending.isEmpty else { continue }
            let messages = pending.map { loaded[$0].0 }
            var insights = pending.map { loaded[$0].1 }
            try await stage.process(messages, insights: &insights)
            for (position, index) in pending.enumerated() {
                let before = loaded[index].1
                loaded[index].1 = insights[position]
                try await save(
                    insights[position],
                    of: messages[position],
                    writingEmbedding: Self.embeddingChanged(before, insights[position]),
                    on: connection
                )
                try await record(stage.name, of: messages[position], failure: nil, on: connection)
                touched.insert(messages[position].messageID)
            }
        }
        return touched.count
    }

    /// Whether a stage made or replaced the embedding (its vector or the model that made it):
    /// only then is it written, with its index entry.
    static func embeddingChanged(_ before: MessageInsights, _ after: MessageInsights) -> Bool {
        after.embedding != before.embedding || after.embeddingModel != before.embeddingModel
    }

    private func load(_ id: UUID, on connection: PostgresConnection) async throws -> (StageMessage, MessageInsights)? {
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
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let message = StageMessage(
                organizationID: OrganizationID(try columns[0].decode(UUID.self)),
                messageID: id,
                threadID: try columns[1].decode(UUID?.self),
                providerMessageID: try columns[2].decode(String.self),
                direction: MessageDirection(rawValue: try columns[3].decode(String.self)) ?? .inbound,
                type: try columns[4].decode(String.self),
                text: try columns[5].decode(String?.self),
                sentAt: try columns[6].decode(Date.self)
            )
            let extra = try columns[14].decode(String?.self).flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue }
            let insights = MessageInsights(
                language: try columns[7].decode(String?.self),
                languageConfidence: try columns[8].decode(Float?.self).map(Double.init),
                intent: try columns[9].decode(String?.self),
                intentConfidence: try columns[10].decode(Float?.self).map(Double.init),
                sentiment: try columns[11].decode(String?.self),
                sentimentScore: try columns[12].decode(Float?.self).map(Double.init),
                entities: try columns[13].decode(String?.self).flatMap { try? JSONValue.parse(Data($0.utf8)) },
                extra: extra ?? [:],
                // A stage that runs after the embed stage (a retry, a backfill) sees the vector.
                embedding: try columns[16].decode([Float]?.self),
                embeddingModel: try columns[15].decode(String?.self)
            )
            return (message, insights)
        }
        return nil
    }

    /// - Parameter writingEmbedding: whether the embedding changed since it was last stored
    ///   (each write updates the search index, so an unchanged vector is not written again).
    private func save(
        _ insights: MessageInsights,
        of message: StageMessage,
        writingEmbedding: Bool,
        on connection: PostgresConnection
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
            let literal = "[" + embedding.map { "\($0)" }.joined(separator: ",") + "]"
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

    private func record(_ stage: String, of message: StageMessage, failure: String?, on connection: PostgresConnection)
        async throws
    {
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
}
