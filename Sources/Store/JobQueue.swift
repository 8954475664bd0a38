import Core
import Foundation
import Logging
import PostgresNIO

/// What a job does; the raw value is what `jobs.kind` holds.
public enum JobKind: String, Sendable, CaseIterable {
    /// Ingest one stored webhook (`ref_id` = `webhook_events.id`).
    case ingestWebhook = "ingest_webhook"
    /// Run the pipeline stages on one message (`ref_uuid` = `whatsapp_messages.id`).
    case runStages = "run_stages"
    /// Fetch one inbound media file from the provider (`ref_uuid` = `media_blobs.id`).
    case downloadMedia = "download_media"
    /// Read the text inside a downloaded image or document (`ref_uuid` = `media_blobs.id`).
    case readMediaText = "read_media_text"
    /// Refresh a thread's rolling summary (`ref_uuid` = `whatsapp_threads.id`), queued once per
    /// burst of messages and run after a quiet moment.
    case refreshSummary = "refresh_summary"
}

/// A queued unit of work.
public struct Job: Sendable {
    public var id: Int64
    public var kind: JobKind
    public var refID: Int64?
    public var refUUID: UUID?
    public var organizationID: OrganizationID?
    /// Attempts made before this one.
    public var attempts: Int
}

/// How a job went.
public enum JobOutcome: Sendable, Equatable {
    /// Finished; never runs again.
    case done
    /// Partly done (what was done is committed); run again after a backoff.
    case retry(reason: String)
    /// Cannot succeed by running again (for example, its data opens under no configured key):
    /// parked as dead at once with the reason, instead of spending every attempt.
    case dead(reason: String)
}

/// The Postgres job queue, shared by every process.
///
/// Workers lease a batch of jobs in one statement (`FOR UPDATE SKIP LOCKED`, state `running`
/// until `locked_until`), then run each job in its own transaction that also marks it done, so a
/// job's writes and its completion commit together: a crash rolls both back, the lease runs out,
/// and the job runs again. It is never half done, and never done twice (a job whose lease was
/// taken over cannot mark itself done, so its transaction rolls back).
public struct JobQueue: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Attempts before a job is marked dead.
    public let maxAttempts: Int
    /// How long a claimed job stays leased to its worker. Default 60 s.
    public let lease: Duration
    /// The process's shutdown: once it starts no job is begun, and a job still running when its
    /// grace ends is cancelled and queued again. Default: a grace of 5 s of its own.
    public let shutdown: ShutdownGrace

    public init(
        client: PostgresClient,
        logger: Logger,
        maxAttempts: Int = 8,
        lease: Duration = .seconds(60),
        shutdown: ShutdownGrace = ShutdownGrace()
    ) {
        self.client = client
        self.logger = logger
        self.maxAttempts = maxAttempts
        self.lease = lease
        self.shutdown = shutdown
    }

    /// The lease ran out or another worker holds the job: its transaction must not commit.
    struct LeaseLost: Error {}

    /// The statement that queues one job of `kind` for each `id` of `source` (a CTE of the
    /// caller's statement), so rows and their jobs are written by one statement: the webhook
    /// acknowledgement stores events and queues their ingest in a single round trip. With
    /// ``enqueue(_:refIDs:refUUIDs:organization:on:logger:)``, the only places jobs are made.
    static func queueing(_ kind: JobKind, idsFrom source: String) -> String {
        "INSERT INTO jobs (kind, ref_id) SELECT '\(kind.rawValue)', id FROM \(source) ORDER BY id"
    }

    /// Queues one job of `kind` per reference, in their order, on `connection` (so inside the
    /// caller's transaction: the job commits with what it refers to).
    /// - Parameters:
    ///   - refIDs: numeric references (webhook events), or
    ///   - refUUIDs: UUID references (messages, media).
    public static func enqueue(
        _ kind: JobKind,
        refIDs: [Int64] = [],
        refUUIDs: [UUID] = [],
        organization: OrganizationID? = nil,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !refIDs.isEmpty || !refUUIDs.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO jobs (kind, ref_id, ref_uuid, organization_id)
            SELECT \(kind.rawValue), r.id, r.uuid, \(organization?.rawValue)
            FROM unnest(\(refIDs)::bigint[], \(refUUIDs)::uuid[]) WITH ORDINALITY AS r(id, uuid, n)
            ORDER BY r.n
            """,
            logger: logger
        )
    }

    /// Queues a job of `kind` about `refUUID` to run after `delay`, unless one is already
    /// waiting: a burst of messages refreshes its thread's summary once, after the burst. (Two
    /// transactions racing may both queue one; the second run then finds nothing new.)
    /// - Returns: Whether a job was queued.
    @discardableResult
    public static func enqueueOnce(
        _ kind: JobKind,
        refUUID: UUID,
        organization: OrganizationID?,
        after delay: Duration,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO jobs (kind, ref_uuid, organization_id, run_at)
            SELECT \(kind.rawValue), \(refUUID), \(organization?.rawValue), now() + make_interval(secs => \(delay.seconds))
            WHERE NOT EXISTS (
                SELECT 1 FROM jobs WHERE kind = \(kind.rawValue) AND ref_uuid = \(refUUID) AND state = 'queued'
            )
            RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Queues one job about a message or media file (see
    /// ``enqueue(_:refIDs:refUUIDs:organization:on:logger:)``).
    public func enqueue(_ kind: JobKind, refUUID: UUID, organization: OrganizationID? = nil) async throws {
        try await client.withConnection { connection in
            try await Self.enqueue(
                kind,
                refUUIDs: [refUUID],
                organization: organization,
                on: connection,
                logger: logger
            )
        }
    }

    /// Leases up to `limit` ready jobs of `kinds` and runs each in its own transaction. A
    /// handler that throws has its writes rolled back and the job is retried with backoff; after
    /// ``maxAttempts`` it is dead and keeps its last error. Once shutdown starts no further job
    /// of the batch begins (they are handed back), and a job that outlives the grace is cancelled,
    /// rolled back and queued again without counting an attempt.
    /// - Returns: How many jobs were leased (0 when none was ready or shutdown has started).
    public func process(
        kinds: [JobKind],
        limit: Int,
        handler: @escaping @Sendable (PostgresConnection, Job) async throws -> JobOutcome
    ) async throws -> Int {
        guard !shutdown.isDraining else { return 0 }
        try await releaseExpiredLeases()
        let jobs = try await claim(kinds: kinds, limit: limit)
        for (index, job) in jobs.enumerated() {
            if Task.isCancelled || shutdown.isDraining {
                try? await release(jobs[index...].map(\.id))
                if Task.isCancelled { throw CancellationError() }
                logger.info(
                    "jobs handed back at shutdown",
                    metadata: ["job.kind": "\(job.kind.rawValue)", "jobs": "\(jobs.count - index)"]
                )
                return jobs.count
            }
            do {
                try await client.withTransaction(logger: logger) { connection in
                    // Jobs derive from rows that are already durable (the raw webhook committed
                    // synchronously before its 200), so their commits need not wait for the WAL
                    // flush: should Postgres itself crash, a lost commit takes its job's "done"
                    // with it and the job runs again.
                    try await connection.query("SET LOCAL synchronous_commit = off", logger: logger)
                    let outcome = try await shutdown.run { try await handler(connection, job) }
                    guard try await finish(job, outcome, on: connection) else { throw LeaseLost() }
                }
            } catch let error as PostgresTransactionError where error.closureError is LeaseLost {
                logger.info("job lease lost; its writes were rolled back", metadata: ["job.id": "\(job.id)"])
            } catch let error as PostgresTransactionError where error.closureError is ShutdownGrace.Interrupted {
                try await release([job.id])
                logger.info(
                    "job interrupted at shutdown; rolled back and queued again",
                    metadata: ["job.id": "\(job.id)", "job.kind": "\(job.kind.rawValue)"]
                )
            } catch let error as PostgresTransactionError where Self.unopenable(error.closureError) != nil {
                // Data sealed under a key no longer configured: no retry can open it.
                let failure =
                    (Self.unopenable(error.closureError).map { "\($0.code): \($0.message)" } ?? "")
                    + "; once the key is back, wainsight reprocess queues webhooks again"
                logger.info("job dead: its data opens under no key", metadata: ["job.id": "\(job.id)"])
                try await client.withConnection { connection in
                    _ = try await finish(job, .dead(reason: failure), on: connection)
                }
            } catch {
                // The transaction rolled back the handler's writes; record the failure apart.
                let reason = StoreError.summary(of: error)
                logger.info(
                    "job failed",
                    metadata: ["job.id": "\(job.id)", "job.kind": "\(job.kind.rawValue)", "error": "\(reason)"]
                )
                try await client.withConnection { connection in
                    _ = try await finish(job, .retry(reason: reason), on: connection)
                }
            }
        }
        return jobs.count
    }

    private func claim(kinds: [JobKind], limit: Int) async throws -> [Job] {
        let rows = try await client.query(
            """
            UPDATE jobs SET state = 'running', locked_until = now() + make_interval(secs => \(lease.seconds))
            WHERE id IN (
                SELECT id FROM jobs
                WHERE state = 'queued' AND run_at <= now() AND kind = ANY(\(kinds.map(\.rawValue)))
                ORDER BY run_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, ref_id, ref_uuid, organization_id, attempts
            """,
            logger: logger
        )
        var jobs: [Job] = []
        for try await (id, kind, refID, refUUID, organization, attempts) in rows.decode(
            (Int64, String, Int64?, UUID?, UUID?, Int).self
        ) {
            // Only the kinds asked for are claimed, so every one is known.
            guard let kind = JobKind(rawValue: kind) else { continue }
            jobs.append(
                Job(
                    id: id,
                    kind: kind,
                    refID: refID,
                    refUUID: refUUID,
                    organizationID: organization.map(OrganizationID.init),
                    attempts: attempts
                )
            )
        }
        // In id order, so concurrent workers take row locks in the same order.
        return jobs.sorted { $0.id < $1.id }
    }

    /// Hands leased jobs back (on shutdown).
    private func release(_ ids: [Int64]) async throws {
        try await client.query(
            "UPDATE jobs SET state = 'queued', locked_until = NULL WHERE id = ANY(\(ids)) AND state = 'running'",
            logger: logger
        )
    }

    /// Jobs whose worker died (lease expired) become ready again.
    private func releaseExpiredLeases() async throws {
        try await client.query(
            "UPDATE jobs SET state = 'queued', locked_until = NULL WHERE state = 'running' AND locked_until < now()",
            logger: logger
        )
    }

    /// Marks a leased job done, or queues it again with backoff (dead after the last attempt).
    /// - Returns: `false` when the job is no longer leased to this worker.
    private func finish(_ job: Job, _ outcome: JobOutcome, on connection: PostgresConnection) async throws -> Bool {
        let rows: PostgresRowSequence
        switch outcome {
        case .done:
            rows = try await connection.query(
                """
                UPDATE jobs SET state = 'done', attempts = attempts + 1, finished_at = now(), locked_until = NULL
                WHERE id = \(job.id) AND state = 'running' AND attempts = \(job.attempts)
                RETURNING id
                """,
                logger: logger
            )
        case .retry(let reason), .dead(let reason):
            let attempts = job.attempts + 1
            let isDead: Bool
            if case .dead = outcome { isDead = true } else { isDead = attempts >= maxAttempts }
            let state = isDead ? "dead" : "queued"
            let delay = Self.backoff(attempt: attempts)
            rows = try await connection.query(
                """
                UPDATE jobs SET state = \(state), attempts = \(attempts), last_error = \(String(reason.prefix(2000))),
                    run_at = now() + make_interval(secs => \(delay)), locked_until = NULL,
                    finished_at = CASE WHEN \(state) = 'dead' THEN now() END
                WHERE id = \(job.id) AND state = 'running' AND attempts = \(job.attempts)
                RETURNING id
                """,
                logger: logger
            )
        }
        for try await _ in rows { return true }
        return false
    }

    /// The error, when it says sealed data opens under none of the configured keys.
    static func unopenable(_ error: (any Error)?) -> StoreError? {
        guard let error = error as? StoreError, error.code == .decryptionFailed else { return nil }
        return error
    }

    /// Exponential backoff with ±20% jitter: about 2, 4, 8 ... seconds, at most an hour.
    public static func backoff(attempt: Int) -> Double {
        let base = min(3600, pow(2, Double(max(1, attempt))))
        return base * Double.random(in: 0.8...1.2)
    }

    /// Whether any job is queued or running: a cheap probe (counting a large queue on every
    /// poll would slow the workers being measured).
    public func hasOpenJobs() async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM jobs WHERE state IN ('queued', 'running') LIMIT 1",
            logger: logger
        )
        for try await _ in rows { return true }
        return false
    }

    /// Jobs per kind and state, for reports and tests.
    public func counts() async throws -> [String: [String: Int]] {
        var counts: [String: [String: Int]] = [:]
        let rows = try await client.query("SELECT kind, state, count(*) FROM jobs GROUP BY kind, state", logger: logger)
        for try await (kind, state, count) in rows.decode((String, String, Int).self) {
            counts[kind, default: [:]][state] = count
        }
        return counts
    }
}
