import Core
import Foundation
import Logging
import PostgresNIO

/// A queued unit of work.
public struct Job: Sendable {
    public var id: Int64
    public var kind: String
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
}

/// The Postgres job queue. Workers claim jobs with `FOR UPDATE SKIP LOCKED` inside a
/// transaction that also holds the job's effects, so a job's work and its completion commit
/// together: a crash rolls both back and the job runs again; it is never half done or done
/// twice.
public struct JobQueue: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Attempts before a job is marked dead.
    public let maxAttempts: Int

    public init(client: PostgresClient, logger: Logger, maxAttempts: Int = 8) {
        self.client = client
        self.logger = logger
        self.maxAttempts = maxAttempts
    }

    /// Enqueues a job.
    public func enqueue(
        kind: String,
        refID: Int64? = nil,
        refUUID: UUID? = nil,
        organization: OrganizationID? = nil,
        on connection: PostgresConnection? = nil
    ) async throws {
        let query: PostgresQuery = """
            INSERT INTO jobs (kind, ref_id, ref_uuid, organization_id)
            VALUES (\(kind), \(refID), \(refUUID), \(organization?.rawValue))
            """
        if let connection {
            try await connection.query(query, logger: logger)
        } else {
            try await client.query(query, logger: logger)
        }
    }

    /// Runs up to `limit` ready jobs of `kinds`, one transaction each: the claim
    /// (`FOR UPDATE SKIP LOCKED`), the handler's writes and the job's completion commit together.
    /// A handler that throws has its writes rolled back and the job is retried with backoff;
    /// after ``maxAttempts`` it is dead and keeps its last error. One job per transaction keeps
    /// row locks short, so concurrent workers touching the same contacts rarely wait on each other.
    /// - Returns: How many jobs ran (0 when none was ready).
    public func process(
        kinds: [String],
        limit: Int,
        handler: (PostgresConnection, Job) async throws -> JobOutcome
    ) async throws -> Int {
        var ran = 0
        while ran < limit {
            var claimed: Job?
            do {
                let finished: Bool = try await client.withTransaction(logger: logger) { connection in
                    guard let job = try await claim(kinds: kinds, on: connection) else { return false }
                    claimed = job
                    try await finish(job, try await handler(connection, job), on: connection)
                    return true
                }
                guard finished else { return ran }
            } catch {
                guard let job = claimed else { throw error }
                // The transaction rolled back the handler's writes; record the failure apart.
                let reason = StoreError.summary(of: error)
                logger.info(
                    "job failed",
                    metadata: ["job.id": "\(job.id)", "job.kind": "\(job.kind)", "error": "\(reason)"]
                )
                try await client.withConnection { connection in
                    try await finish(job, .retry(reason: reason), on: connection)
                }
            }
            ran += 1
        }
        return ran
    }

    private func claim(kinds: [String], on connection: PostgresConnection) async throws -> Job? {
        let rows = try await connection.query(
            """
            SELECT id, kind, ref_id, ref_uuid, organization_id, attempts FROM jobs
            WHERE state = 'queued' AND run_at <= now() AND kind = ANY(\(kinds))
            ORDER BY run_at, id LIMIT 1
            FOR UPDATE SKIP LOCKED
            """,
            logger: logger
        )
        for try await (id, kind, refID, refUUID, organization, attempts) in rows.decode(
            (Int64, String, Int64?, UUID?, UUID?, Int).self
        ) {
            return Job(
                id: id,
                kind: kind,
                refID: refID,
                refUUID: refUUID,
                organizationID: organization.map(OrganizationID.init),
                attempts: attempts
            )
        }
        return nil
    }

    private func finish(_ job: Job, _ outcome: JobOutcome, on connection: PostgresConnection) async throws {
        switch outcome {
        case .done:
            try await connection.query(
                "UPDATE jobs SET state = 'done', attempts = attempts + 1, finished_at = now() WHERE id = \(job.id)",
                logger: logger
            )
        case .retry(let reason):
            let attempts = job.attempts + 1
            let state = attempts >= maxAttempts ? "dead" : "queued"
            let delay = Self.backoff(attempt: attempts)
            try await connection.query(
                """
                UPDATE jobs SET state = \(state), attempts = \(attempts), last_error = \(String(reason.prefix(2000))),
                    run_at = now() + make_interval(secs => \(delay)),
                    finished_at = CASE WHEN \(state) = 'dead' THEN now() END
                WHERE id = \(job.id) AND state = 'queued' AND attempts = \(job.attempts)
                """,
                logger: logger
            )
        }
    }

    /// Exponential backoff with ±20% jitter: about 2, 4, 8 ... seconds, at most an hour.
    public static func backoff(attempt: Int) -> Double {
        let base = min(3600, pow(2, Double(max(1, attempt))))
        return base * Double.random(in: 0.8...1.2)
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
