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
        guard let (message, stored) = try await StageRunRepository.load(messageID, on: connection, logger: logger)
        else {
            // The message was deleted (its organization removed): nothing left to do.
            return .done
        }
        let done = try await StageRunRepository.stagesDone(on: messageID, on: connection, logger: logger)

        var insights = stored
        for stage in stages where !done.contains(stage.name) {
            let before = insights
            do {
                try await stage.process(message, insights: &insights)
            } catch {
                try await StageRunRepository.record(
                    stage.name,
                    of: message,
                    failure: String(describing: error),
                    on: connection,
                    logger: logger
                )
                logger.info(
                    "pipeline stage failed",
                    metadata: [
                        "wa.message.id": "\(message.providerMessageID)", "stage": "\(stage.name)", "error": "\(error)",
                    ]
                )
                return .retry(reason: "stage \(stage.name): \(error)")
            }
            try await StageRunRepository.save(
                insights,
                of: message,
                writingEmbedding: Self.embeddingChanged(before, insights),
                on: connection,
                logger: logger
            )
            try await StageRunRepository.record(stage.name, of: message, failure: nil, on: connection, logger: logger)
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
            guard let (message, insights) = try await StageRunRepository.load(id, on: connection, logger: logger) else {
                continue
            }
            let done = try await StageRunRepository.stagesDone(on: id, on: connection, logger: logger)
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
                try await StageRunRepository.save(
                    insights[position],
                    of: messages[position],
                    writingEmbedding: Self.embeddingChanged(before, insights[position]),
                    on: connection,
                    logger: logger
                )
                try await StageRunRepository.record(
                    stage.name,
                    of: messages[position],
                    failure: nil,
                    on: connection,
                    logger: logger
                )
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
}
