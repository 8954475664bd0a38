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
    /// Conclusions about the whole thread (BANT), drawn after each message's stages.
    public let threadStages: [any ThreadStage]
    /// Queues each thread's summary refresh after its messages' stages; `nil`: no summaries.
    public let summaries: SummaryRefresher?
    public let logger: Logger

    public init(
        stages: [any PipelineStage],
        threadStages: [any ThreadStage] = [],
        summaries: SummaryRefresher? = nil,
        logger: Logger
    ) {
        self.stages = stages
        self.threadStages = threadStages
        self.summaries = summaries
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
        // What the business writes changes no thread conclusion (BANT reads the customer's words).
        if let thread = message.threadID, message.direction == .inbound {
            try await conclude(thread: thread, on: connection)
        }
        // Either side's words change the summary (the business's commitments are in it).
        if let thread = message.threadID, let summaries {
            try await summaries.queue(thread: thread, organization: message.organizationID, on: connection)
        }
        return .done
    }

    /// Draws the thread stages' conclusions from every message's stored facts, under the
    /// thread's lock, and stores them: the same facts in any order give the same conclusion.
    public func conclude(thread: UUID, on connection: PostgresConnection) async throws {
        guard !threadStages.isEmpty,
            let (facts, settings) = try await StageRunRepository.lockThreadFacts(thread, on: connection, logger: logger)
        else { return }
        for stage in threadStages {
            let conclusion = stage.conclude(facts, settings: settings)
            try await StageRunRepository.saveConclusion(conclusion, thread: thread, on: connection, logger: logger)
        }
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
        // Each thread once, after all its messages of the batch.
        let threads = Set(
            loaded.compactMap { touched.contains($0.0.messageID) && $0.0.direction == .inbound ? $0.0.threadID : nil }
        )
        for thread in threads.sorted(by: { $0.uuidString < $1.uuidString }) {
            try await conclude(thread: thread, on: connection)
        }
        return touched.count
    }

    /// Whether a stage made or replaced the embedding (its vector or the model that made it):
    /// only then is it written, with its index entry.
    static func embeddingChanged(_ before: MessageInsights, _ after: MessageInsights) -> Bool {
        after.embedding != before.embedding || after.embeddingModel != before.embeddingModel
    }
}
