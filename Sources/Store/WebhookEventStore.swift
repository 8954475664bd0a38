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

    /// Job kind that ingests one stored webhook (`ref_id` = `webhook_events.id`).
    public static let ingestJobKind = "ingest_webhook"

    /// Stores webhooks in one statement (one commit), queueing an ingest job for each new one.
    /// - Returns: How many were new; the rest were byte-identical re-deliveries already stored.
    @discardableResult
    public func insert(_ events: [SealedWebhook]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let hashes = events.map { ByteBuffer(bytes: $0.bodySHA256) }
        let bodies = events.map { ByteBuffer(bytes: $0.sealedBody) }
        let rows = try await client.query(
            """
            WITH ev AS (
                INSERT INTO webhook_events (body_sha256, payload_enc)
                SELECT * FROM unnest(\(hashes)::bytea[], \(bodies)::bytea[])
                ON CONFLICT (body_sha256) DO NOTHING
                RETURNING id
            ), queued AS (
                INSERT INTO jobs (kind, ref_id) SELECT \(Self.ingestJobKind), id FROM ev
            )
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
    public func requeueAll() async throws -> Int {
        try await requeue(states: WebhookEventState.allCases.filter { $0 != .pending })
    }

    private func requeue(states: [WebhookEventState]) async throws -> Int {
        let rows = try await client.query(
            """
            WITH again AS (
                UPDATE webhook_events SET state = 'pending' WHERE state = ANY(\(states.map(\.rawValue))) RETURNING id
            ), queued AS (
                INSERT INTO jobs (kind, ref_id) SELECT \(Self.ingestJobKind), id FROM again
            )
            SELECT count(*) FROM again
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
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
}
