import Assist
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
    public let threadStages: [any ThreadStage]
    /// Thread summaries, refreshed without waiting (`nil`: none).
    public let summaries: SummaryRefresher?
    public let logger: Logger

    /// The master key tests use (32 bytes of 7).
    public static let testMasterKey = Data(repeating: 7, count: 32)

    public init(
        client: PostgresClient,
        stages: [any PipelineStage] = [],
        threadStages: [any ThreadStage] = [],
        summaries: (any ThreadSummarizing)? = nil,
        masterKey: Data = IngestHarness.testMasterKey,
        logger: Logger = TestDatabase.logger
    ) throws {
        self.client = client
        self.secretBox = try SecretBox(masterKey: masterKey)
        self.stages = stages
        self.threadStages = threadStages
        self.summaries = summaries.map { SummaryRefresher(summarizer: $0, debounce: .zero, logger: logger) }
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
            threadStages: threadStages,
            summaries: summaries,
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

    /// Each row of `sql` as one string (see ``DatabaseInspection/rows(_:)``).
    public func rows(_ sql: String) async throws -> [String] { try await inspection.rows(sql) }

    /// The first column of the first row of `sql` as an integer.
    public func count(_ sql: String) async throws -> Int { try await inspection.count(sql) }

    /// Every conversation row on natural keys (see ``DatabaseInspection/snapshot()``).
    public func snapshot() async throws -> [String: [String]] { try await inspection.snapshot() }

    var inspection: DatabaseInspection { DatabaseInspection(client: client, logger: logger) }
}
