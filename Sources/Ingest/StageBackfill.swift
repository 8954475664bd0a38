import Core
import Foundation
import Logging
import PostgresNIO

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
        let org = organization?.rawValue
        var cleared = 0
        for try await count in try await client.query(
            """
            WITH cleared AS (
                DELETE FROM message_stage_runs
                WHERE stage = ANY(\(stages)) AND (\(org)::uuid IS NULL OR organization_id = \(org))
                RETURNING 1
            ) SELECT count(*)::int FROM cleared
            """,
            logger: logger
        ).decode(Int.self) { cleared = count }
        return (stages, cleared)
    }

    /// How many messages with text have a stage not yet done.
    public func pending(organization: OrganizationID?) async throws -> Int {
        let names = runner.stages.map(\.name)
        let org = organization?.rawValue
        for try await count in try await client.query(
            """
            SELECT count(*)::int FROM whatsapp_messages m WHERE m.text IS NOT NULL
                AND (\(org)::uuid IS NULL OR m.organization_id = \(org))
                AND (SELECT count(*) FROM message_stage_runs r WHERE r.message_id = m.id AND r.state = 'done'
                     AND r.stage = ANY(\(names))) < \(names.count)
            """,
            logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
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
        let org = organization?.rawValue
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        var processed = 0
        while true {
            var ids: [UUID] = []
            for try await id in try await client.query(
                """
                SELECT m.id FROM whatsapp_messages m WHERE m.id > \(after) AND m.text IS NOT NULL
                    AND (\(org)::uuid IS NULL OR m.organization_id = \(org))
                    AND (SELECT count(*) FROM message_stage_runs r WHERE r.message_id = m.id AND r.state = 'done'
                         AND r.stage = ANY(\(names))) < \(names.count)
                ORDER BY m.id LIMIT \(batch)
                """,
                logger: logger
            ).decode(UUID.self) { ids.append(id) }
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
}
