import Core
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// The background worker: ingests stored webhooks and runs the pipeline stages, from the
/// shared job queue. Several processes may run it against one database. On graceful shutdown
/// it finishes the batch in hand and stops claiming.
public struct IngestWorker: Service {
    public let queue: JobQueue
    public let ingestor: WebhookIngestor
    public let stageRunner: StageRunner
    public let options: WainsightConfiguration.WorkerOptions
    public let logger: Logger

    public init(
        queue: JobQueue,
        ingestor: WebhookIngestor,
        stageRunner: StageRunner,
        options: WainsightConfiguration.WorkerOptions,
        logger: Logger
    ) {
        self.queue = queue
        self.ingestor = ingestor
        self.stageRunner = stageRunner
        self.options = options
        self.logger = logger
    }

    /// The worker of one process, wired from its parts: the queue, ingest and the stages.
    public static func make(
        client: PostgresClient,
        secretBox: SecretBox,
        stages: [any PipelineStage],
        threadStages: [any ThreadStage] = [],
        summaries: SummaryRefresher? = nil,
        options: WainsightConfiguration.WorkerOptions,
        shutdown: ShutdownGrace = ShutdownGrace(),
        logger: Logger
    ) -> IngestWorker {
        IngestWorker(
            queue: JobQueue(client: client, logger: logger, maxAttempts: options.maxAttempts, shutdown: shutdown),
            ingestor: WebhookIngestor(secretBox: secretBox, queueStages: !stages.isEmpty, logger: logger),
            stageRunner: StageRunner(stages: stages, threadStages: threadStages, summaries: summaries, logger: logger),
            options: options,
            logger: logger
        )
    }

    public func run() async throws {
        // With no loops (`WAINSIGHT_WORKER_CONCURRENCY=0`) it still lives until shutdown: a
        // service that returns early stops the whole service group, server included.
        guard options.concurrency > 0 else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<options.concurrency {
                    group.addTask { await self.loop(kind: .ingestWebhook) }
                }
                // Stages get a loop of their own, so slow or failing stages never delay ingest.
                if !stageRunner.stages.isEmpty {
                    group.addTask { await self.loop(kind: .runStages) }
                }
                if stageRunner.summaries != nil {
                    group.addTask { await self.loop(kind: .refreshSummary) }
                }
            }
        } onGracefulShutdown: { [queue] in
            queue.shutdown.begin()
        }
        logger.info("ingest worker stopped")
        // Stopped early when the process's shutdown began (at the signal), it still returns only
        // when its own turn comes: a service that returns before that ends the whole group.
        try? await gracefulShutdown()
    }

    /// Runs every job that is ready now, then returns (for `wainsight ingest` and tests).
    /// - Returns: How many jobs ran.
    @discardableResult
    public func drain() async throws -> Int {
        var total = 0
        while true {
            let ingested = try await runBatch(kind: .ingestWebhook)
            let staged = stageRunner.stages.isEmpty ? 0 : try await runBatch(kind: .runStages)
            let summarized = stageRunner.summaries == nil ? 0 : try await runBatch(kind: .refreshSummary)
            total += ingested + staged + summarized
            if ingested + staged + summarized == 0 { return total }
        }
    }

    private func loop(kind: JobKind) async {
        while !Task.isCancelled && !queue.shutdown.isDraining {
            do {
                if try await runBatch(kind: kind) == 0 {
                    try await Task.sleep(for: options.pollInterval)
                }
            } catch is CancellationError {
                return
            } catch  where Task.isCancelled {
                return  // the pool is closing with the rest of the service group
            } catch {
                logger.error(
                    "job batch failed",
                    metadata: ["job.kind": "\(kind.rawValue)", "error": "\(String(reflecting: error))"]
                )
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func runBatch(kind: JobKind) async throws -> Int {
        try await queue.process(kinds: [kind], limit: options.batchSize) { connection, job in
            switch job.kind {
            case .ingestWebhook:
                guard let eventID = job.refID else { return .done }
                _ = try await ingestor.ingest(eventID: eventID, on: connection)
                return .done
            case .runStages:
                guard let messageID = job.refUUID else { return .done }
                return try await stageRunner.run(messageID: messageID, on: connection)
            case .refreshSummary:
                guard let thread = job.refUUID, let summaries = stageRunner.summaries else { return .done }
                try await summaries.refresh(thread: thread, on: connection)
                return .done
            case .downloadMedia, .readMediaText:
                return .retry(reason: "\(job.kind.rawValue) jobs are the media fetcher's")
            }
        }
    }
}

/// A summary: ServiceLifecycle describes every service with `String(describing:)`, and a
/// reflected dump would print what the stages hold (model tables, an embedder's API key).
extension IngestWorker: CustomStringConvertible {
    public var description: String {
        "IngestWorker(loops: \(options.concurrency), stages: \(stageRunner.stages.map(\.name)))"
    }
}
