import Core
import Foundation
import Logging
import PostgresNIO
import Store

/// Runs the pipeline stages over stored messages that have not had them (`wainsight
/// backfill`): batches in message-id order, one transaction each, so an interrupted run
/// resumes where it stopped. With `redo`, those stages count as not done first, so that new
/// models (a retrained detect model) are applied to the history too.
public struct StageBackfill: Sendable {
    public let client: PostgresClient
    public let runner: StageRunner
    var logger: Logger { runner.logger }

    public init(client: PostgresClient, runner: StageRunner) {
        self.client = client
        self.runner = runner
    }

    /// Marks `stages`, and every stage after them in the runner's order (they read what the
    /// earlier ones found: detect reads the embedding), as not done on the messages in scope
    /// (all organizations' when `organization` is nil).
    /// - Returns: The stages that will run again, and how many stage runs were cleared.
    /// - Throws: ``IngestError`` when a stage is not one the runner has.
    @discardableResult
    public func forget(_ stages: [String], organization: OrganizationID?) async throws -> (
        stages: [String], cleared: Int
    ) {
        let known = runner.stages.map(\.name)
        if let unknown = stages.first(where: { !known.contains($0) }) {
            throw IngestError(
                .unknownStage,
                "'\(unknown)' is not a configured stage; the pipeline runs \(known.joined(separator: ", "))"
            )
        }
        guard let first = known.firstIndex(where: stages.contains) else { return ([], 0) }
        let stages = Array(known[first...])
        let cleared = try await StageRunRepository.forget(
            stages,
            organization: organization,
            client: client,
            logger: logger
        )
        return (stages, cleared)
    }

    /// How many messages with text have a stage not yet done.
    public func pending(organization: OrganizationID?) async throws -> Int {
        try await StageRunRepository.pending(
            runner.stages.map(\.name),
            organization: organization,
            client: client,
            logger: logger
        )
    }

    /// Runs every stage not yet done, `batch` messages at a time.
    /// - Parameter progress: called after each batch with the messages processed so far.
    /// - Returns: How many messages were processed.
    @discardableResult
    public func run(
        organization: OrganizationID?,
        batch: Int = 64,
        progress: (Int) -> Void = { _ in }
    ) async throws -> Int {
        let names = runner.stages.map(\.name)
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        var processed = 0
        while true {
            let ids = try await StageRunRepository.messagesLacking(
                names,
                organization: organization,
                after: after,
                limit: batch,
                client: client,
                logger: logger
            )
            guard let last = ids.last else { break }
            try await client.withTransaction(logger: logger) { connection in
                _ = try await runner.runBatch(messageIDs: ids, on: connection)
            }
            after = last
            processed += ids.count
            progress(processed)
        }
        return processed
    }

    /// Draws every thread's conclusions (BANT) again from its stored facts, `batch` threads per
    /// transaction: new thresholds or a new scorer apply to the whole history.
    /// - Returns: How many threads were concluded.
    @discardableResult
    public func concludeThreads(organization: OrganizationID?, batch: Int = 256) async throws -> Int {
        guard !runner.threadStages.isEmpty || runner.summaries != nil else { return 0 }
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        var concluded = 0
        while true {
            let threads = try await StageRunRepository.threadsWithMessages(
                organization: organization,
                after: after,
                limit: batch,
                client: client,
                logger: logger
            )
            guard let last = threads.last else { break }
            try await client.withTransaction(logger: logger) { connection in
                for thread in threads {
                    try await runner.conclude(thread: thread, on: connection)
                    // A new version only where a message came since the last.
                    try await runner.summaries?.refresh(thread: thread, on: connection)
                }
            }
            after = last
            concluded += threads.count
        }
        return concluded
    }
}
