import Core
import Foundation
import Ingest
import Logging
import PostgresNIO
import Store
import WhatsAppCloud

/// Drives the real ingest path against a test database: store bodies as the webhook route
/// does, run the worker until the queue is empty, and read back the conversation rows.
public struct IngestHarness: Sendable {
    public let client: PostgresClient
    public let secretBox: SecretBox
    public let stages: [any PipelineStage]
    public let logger: Logger

    /// The master key tests use (32 bytes of 7).
    public static let testMasterKey = Data(repeating: 7, count: 32)

    public init(
        client: PostgresClient,
        stages: [any PipelineStage] = [],
        masterKey: Data = IngestHarness.testMasterKey,
        logger: Logger = TestDatabase.logger
    ) throws {
        self.client = client
        self.secretBox = try SecretBox(masterKey: masterKey)
        self.stages = stages
        self.logger = logger
    }

    /// Settings for an app over the test database that serves the API only (no ingest worker,
    /// sender or media fetcher running), with the given embedder and models folder.
    public static func apiConfiguration(
        databaseURL: String,
        embedding: WainsightConfiguration.EmbeddingOptions,
        modelsDirectory: String = "models"
    ) -> WainsightConfiguration {
        var configuration = WainsightConfiguration(
            databaseURL: databaseURL,
            databaseConnections: 4,
            masterKey: testMasterKey,
            port: 0,
            embedding: embedding,
            modelsDirectory: modelsDirectory
        )
        configuration.worker.concurrency = 0
        configuration.outbound.concurrency = 0
        return configuration
    }

    public var events: WebhookEventStore { WebhookEventStore(client: client, logger: logger) }

    public var worker: IngestWorker {
        IngestWorker.make(
            client: client,
            secretBox: secretBox,
            stages: stages,
            options: .init(concurrency: 1, batchSize: 16),
            logger: logger
        )
    }

    /// Creates an organization.
    public func organization(_ name: String = "Test org") async throws -> (id: OrganizationID, apiKey: String) {
        try await OrganizationRepository(client: client, logger: logger).createOrganization(name: name)
    }

    /// Connects `phoneNumberID` (and its WABA) to `organization`.
    @discardableResult
    public func connect(_ organization: OrganizationID, phoneNumberID: String, wabaID: String) async throws -> Int {
        try await AccountRepository(client: client, secretBox: secretBox, logger: logger).add(
            organization: organization,
            phoneNumberID: phoneNumberID,
            wabaID: wabaID,
            accessToken: "test-token-\(phoneNumberID)"
        ).requeued
    }

    /// Connects every business number and WABA the corpus mentions, except `excluding`.
    public func connectCorpus(_ organization: OrganizationID, excluding: Set<String> = []) async throws {
        var numbers: [String: String] = [:]
        var wabas = Set<String>()
        for payload in try Corpus.all() {
            for change in try WebhookParser.parse(payload.body).changes {
                if let phone = change.phoneNumberID {
                    numbers[phone] = numbers[phone] ?? change.wabaID ?? "waba-of-\(phone)"
                } else if let waba = change.wabaID {
                    wabas.insert(waba)
                }
            }
        }
        for (phone, waba) in numbers.sorted(by: { $0.key < $1.key }) where !excluding.contains(phone) {
            try await connect(organization, phoneNumberID: phone, wabaID: waba)
            wabas.remove(waba)
        }
        for waba in wabas.sorted() where !excluding.contains(waba) {
            try await connect(organization, phoneNumberID: "number-of-\(waba)", wabaID: waba)
        }
    }

    /// Empties every conversation table (organizations and accounts stay).
    public func resetConversations() async throws {
        try await Database.truncateConversations(client, logger: logger)
    }

    /// Stores bodies one statement each, in the given order, as the webhook route does.
    public func store(_ bodies: [Data]) async throws {
        for body in bodies { try await events.insert([SealedWebhook(body: body, secretBox: secretBox)]) }
    }

    /// Runs every ready job.
    @discardableResult
    public func drain() async throws -> Int { try await worker.drain() }

    /// Queues every stored webhook again, in random order, and processes them all.
    public func reprocessShuffled() async throws {
        _ = try await events.requeueAll(shuffled: true)
        try await drain()
    }

    /// Runs `sql` and returns each row as one string of its columns as Postgres renders them
    /// in JSON (`|`-separated, `∅` for NULL, booleans as `true`/`false`).
    public func rows(_ sql: String) async throws -> [String] {
        let wrapped = """
            SELECT (SELECT string_agg(coalesce(value, '∅'), '|' ORDER BY n)
                    FROM json_each_text(row_to_json(t)) WITH ORDINALITY AS cells(key, value, n))
            FROM (\(sql)) t
            """
        var lines: [String] = []
        for try await line in try await client.query(PostgresQuery(unsafeSQL: wrapped), logger: logger).decode(
            String?.self
        ) {
            lines.append(line ?? "")
        }
        return lines
    }

    /// The first column of the first row as an integer.
    public func count(_ sql: String) async throws -> Int {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
            return value
        }
        return 0
    }

    /// Every conversation row on natural keys (no generated ids or insert times), sorted: two
    /// databases that hold the same conversations give equal snapshots.
    public func snapshot() async throws -> [String: [String]] {
        let contactKey = "coalesce(c.wa_id, 'bsuid:' || c.user_id)"
        return [
            "contacts": try await rows(
                """
                SELECT \(contactKey), c.user_id, c.profile_name, c.opt_in_status, c.marketing_opted_out, c.last_seen_at
                FROM whatsapp_contacts c ORDER BY 1
                """
            ),
            "threads": try await rows(
                """
                SELECT a.phone_number_id, \(contactKey), t.last_msg_at, t.last_inbound_at, t.care_window_expires_at, t.is_open
                FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
                JOIN whatsapp_accounts a ON a.id = t.account_id ORDER BY 1, 2
                """
            ),
            "messages": try await rows(
                """
                SELECT m.provider_msg_id, a.phone_number_id, \(contactKey), m.direction, m.type, m.text, m.original_text,
                    m.media_id, m.context_msg_id, m.target_msg_id, m.reaction, m.edited_at, m.revoked_at, m.status,
                    m.status_rank, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.error_code,
                    encode(m.payload_sha256, 'hex')
                FROM whatsapp_messages m
                LEFT JOIN whatsapp_threads t ON t.id = m.thread_id
                LEFT JOIN whatsapp_contacts c ON c.id = t.contact_id
                LEFT JOIN whatsapp_accounts a ON a.id = t.account_id ORDER BY 1
                """
            ),
            "statuses": try await rows(
                """
                SELECT provider_msg_id, status, occurred_at, pricing_category, conversation_origin, error_code,
                    encode(payload_sha256, 'hex')
                FROM whatsapp_message_statuses ORDER BY 1, 2
                """
            ),
            "consent": try await rows(
                """
                SELECT \(contactKey), e.scope, e.status, e.source, e.source_ref, e.detail, e.occurred_at
                FROM consent_events e JOIN whatsapp_contacts c ON c.id = e.contact_id ORDER BY 1, 5, 4
                """
            ),
            "account_events": try await rows(
                "SELECT field, event, waba_id, encode(payload_sha256, 'hex') FROM whatsapp_account_events ORDER BY 1, 4"
            ),
            "media": try await rows("SELECT provider_media_id, mime_type, sha256 FROM media_blobs ORDER BY 1"),
        ]
    }
}
