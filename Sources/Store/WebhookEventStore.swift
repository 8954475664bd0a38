import Core
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A raw webhook body, sealed and ready to store.
public struct SealedWebhook: Sendable {
    /// SHA-256 of the raw body: identical re-deliveries collapse on it.
    public var bodySHA256: Data
    /// The body sealed with ``SecretBox``.
    public var sealedBody: Data

    public init(body: some DataProtocol, secretBox: SecretBox) throws {
        self.bodySHA256 = Data(SHA256.hash(data: body))
        self.sealedBody = try secretBox.seal(body)
    }
}

/// Where a raw webhook stands in processing.
public enum WebhookEventState: String, Sendable, CaseIterable {
    /// Stored, waiting for a worker.
    case pending
    /// Every part was routed to an organization and ingested.
    case processed
    /// Some parts were for a phone number or WABA no organization has connected.
    case partial
    /// No part could be routed; kept until the number is connected.
    case unrouted
    /// Well signed but not understood (not a JSON object); kept as received.
    case unparseable
}

/// The durable log of raw webhooks, on Postgres. Storing an event also queues its ingest job,
/// in the same statement, so an acknowledged event is always processed.
public struct WebhookEventStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Stores webhooks in one statement (one commit), queueing an ingest job for each new one.
    /// - Returns: How many were new; the rest were byte-identical re-deliveries already stored.
    @discardableResult
    public func insert(_ events: [SealedWebhook]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let hashes = events.map { ByteBuffer(bytes: $0.bodySHA256) }
        let bodies = events.map { ByteBuffer(bytes: $0.sealedBody) }
        // One statement, so one round trip on the acknowledgement path.
        let rows = try await client.query(
            """
            WITH ev AS (
                INSERT INTO webhook_events (body_sha256, payload_enc)
                SELECT * FROM unnest(\(hashes)::bytea[], \(bodies)::bytea[])
                ON CONFLICT (body_sha256) DO NOTHING
                RETURNING id
            ), queued AS (\(unescaped: JobQueue.queueing(.ingestWebhook, idsFrom: "ev")))
            SELECT count(*) FROM ev
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Queues unrouted and partly routed events again (after a number is connected).
    /// - Returns: How many were queued.
    public func requeueUnrouted() async throws -> Int {
        try await requeue(states: [.unrouted, .partial])
    }

    /// Queues every stored event again, to re-run ingest (idempotent) over all of them. Pending
    /// events are left alone: their jobs are queued already.
    /// - Parameter shuffled: queue them in random order (tests: ingest must not depend on it).
    public func requeueAll(shuffled: Bool = false) async throws -> Int {
        try await requeue(states: WebhookEventState.allCases.filter { $0 != .pending }, shuffled: shuffled)
    }

    private func requeue(states: [WebhookEventState], shuffled: Bool = false) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE webhook_events SET state = 'pending' WHERE state = ANY(\(states.map(\.rawValue)))
                RETURNING id
                """,
                logger: logger
            )
            var ids: [Int64] = []
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            if shuffled { ids.shuffle() } else { ids.sort() }
            try await JobQueue.enqueue(.ingestWebhook, refIDs: ids, on: connection, logger: logger)
            return ids.count
        }
    }

    /// Events per state, for reports.
    public func countByState() async throws -> [WebhookEventState: Int] {
        var counts: [WebhookEventState: Int] = [:]
        let rows = try await client.query("SELECT state, count(*) FROM webhook_events GROUP BY state", logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) {
            if let state = WebhookEventState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    // MARK: Ingest (inside the ingest job's transaction)

    /// Locks a stored event for ingest. - Returns: its sealed body and arrival time; `nil` when
    /// there is no such event.
    public static func lock(_ id: Int64, on connection: PostgresConnection, logger: Logger) async throws
        -> (sealedBody: Data, receivedAt: Date)?
    {
        let rows = try await connection.query(
            "SELECT payload_enc, received_at FROM webhook_events WHERE id = \(id) FOR UPDATE",
            logger: logger
        )
        for try await (sealed, received) in rows.decode((Data, Date).self) { return (sealed, received) }
        return nil
    }

    /// Records how ingest went for an event, and the organization it was routed to.
    public static func markIngested(
        _ id: Int64,
        state: WebhookEventState,
        note: String?,
        organization: OrganizationID?,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE webhook_events SET state = \(state.rawValue), note = \(note), processed_at = now(),
                organization_id = coalesce(\(organization?.rawValue), organization_id)
            WHERE id = \(id)
            """,
            logger: logger
        )
    }

    // MARK: Checks (scripts/bench-ingest, scripts/crash-ingest)

    /// The body hash of every stored event.
    public func storedHashes() async throws -> Set<Data> {
        var hashes = Set<Data>()
        for try await hash in try await client.query("SELECT body_sha256 FROM webhook_events", logger: logger)
            .decode(Data.self)
        {
            hashes.insert(hash)
        }
        return hashes
    }

    /// Events whose ingest job did not finish exactly once (0 when nothing was lost or doubled).
    public func notIngestedExactlyOnce() async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM (SELECT e.id FROM webhook_events e LEFT JOIN jobs j ON j.ref_id = e.id
                AND j.kind = \(JobKind.ingestWebhook.rawValue) AND j.state = 'done'
                GROUP BY e.id HAVING count(j.id) <> 1) AS wrong
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
