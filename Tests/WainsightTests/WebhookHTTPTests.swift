import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Server
import ServiceLifecycle
import Store
import Testing
import WainsightTesting
import WhatsAppCloud

/// The webhook endpoint and the API over real HTTP on loopback, with the real Postgres.
@Suite struct WebhookHTTPTests {
    static let secret = "test-app-secret"
    static let signatureHeader = HTTPField.Name("X-Hub-Signature-256")!

    static func configuration(databaseURL: String) -> WainsightConfiguration {
        WainsightConfiguration(
            databaseURL: databaseURL,
            databaseConnections: 4,
            appSecrets: ["retired-secret", secret],
            verifyToken: "verify-me",
            masterKey: Data(repeating: 7, count: 32),
            host: "127.0.0.1",
            port: 0,
            maxWebhookBytes: 64 * 1024,
            worker: .init(concurrency: 1, batchSize: 32, pollInterval: .milliseconds(20)),
            embedding: .init(mode: .none)
        )
    }

    static func signed(_ body: Data, secret: String = secret) -> HTTPFields {
        [
            signatureHeader: WebhookSignatureVerifier.signature(for: body, appSecret: secret),
            .contentType: "application/json",
        ]
    }

    /// POSTs `body` to the webhook endpoint, signed with `secret` (unsigned when `nil`).
    static func postWebhook(
        _ body: Data,
        secret: String? = secret,
        via http: any TestClientProtocol
    ) async throws -> TestResponse {
        try await http.execute(
            uri: "/webhooks/whatsapp",
            method: .post,
            headers: secret.map { signed(body, secret: $0) } ?? [:],
            body: ByteBuffer(bytes: body)
        )
    }

    /// Waits (bounded) until the background worker has no ready job left.
    static func waitForWorker(_ harness: IngestHarness) async throws {
        for _ in 0..<500 {
            if try await harness.count(
                """
                SELECT count(*) FROM jobs WHERE kind <> 'download_media'
                    AND ((state = 'queued' AND run_at <= now()) OR state = 'running')
                """
            ) == 0 {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the worker did not drain the queue within 10 s")
    }

    @Test func handshakeEchoesTheChallengeOrRefuses() async throws {
        try await TestDatabase.with { url, _ in
            let app = try await buildApplication(
                configuration: Self.configuration(databaseURL: url),
                logger: TestDatabase.logger
            )
            try await app.test(.live) { client in
                let ok = try await client.execute(
                    uri: "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444",
                    method: .get
                )
                #expect(ok.status == .ok)
                #expect(String(buffer: ok.body) == "1158201444")
                let wrong = try await client.execute(
                    uri: "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
                    method: .get
                )
                #expect(wrong.status == .forbidden)
            }
        }
    }

    @Test func refusedRequestsStoreNothing() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client)
            // Read before the app is built: an app dropped without running leaks its HTTP client.
            let body = try Corpus.payload("pywa/text_1.json").body
            let app = try await buildApplication(
                configuration: Self.configuration(databaseURL: url),
                logger: TestDatabase.logger
            )
            try await app.test(.live) { http in
                let unsigned = try await Self.postWebhook(body, secret: nil, via: http)
                #expect(unsigned.status == .unauthorized)
                #expect(String(buffer: unsigned.body).contains("missing_signature"))

                let forged = try await Self.postWebhook(body, secret: "not-our-secret", via: http)
                #expect(forged.status == .unauthorized)
                #expect(String(buffer: forged.body).contains("bad_signature"))

                let huge = Data(repeating: UInt8(ascii: " "), count: 100 * 1024) + body
                let tooLarge = try await Self.postWebhook(huge, via: http)
                #expect(tooLarge.status == .contentTooLarge)
            }
            #expect(try await harness.count("SELECT count(*) FROM webhook_events") == 0)
        }
    }

    /// `WAINSIGHT_WORKER_CONCURRENCY=0`: the process still serves, and stores webhooks for a
    /// process that has ingest loops. Describing its services, which ServiceLifecycle does at
    /// start (into logs and errors), shows none of the configured secrets.
    @Test func anAppWithoutIngestLoopsServesAndDescribesNoSecret() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client)
            let body = try Corpus.payload("pywa/text_1.json").body
            var configuration = Self.configuration(databaseURL: url)
            configuration.worker.concurrency = 0
            configuration.embedding = .init(
                mode: .remote,
                remoteURL: "http://127.0.0.1:9",
                remoteAPIKey: "sk-never-printed"
            )
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger)
            let described = app.services.map { String(describing: $0) }.joined(separator: "\n")
            for secret in ["sk-never-printed", Self.secret, "retired-secret", "verify-me"] {
                #expect(!described.contains(secret), "\(secret)")
            }
            #expect(described.contains("IngestWorker(loops: 0"))
            #expect(described.count < 20_000, "\(described.count) characters")
            try await app.test(.live) { http in
                let stored = try await Self.postWebhook(body, via: http)
                #expect(stored.status == .ok)
                let health = try await http.execute(uri: "/health", method: .get)
                #expect(health.status == .ok)
            }
            #expect(try await harness.count("SELECT count(*) FROM webhook_events") == 1)
            #expect(try await harness.count("SELECT count(*) FROM jobs WHERE state = 'queued'") == 1)
        }
    }

    @Test func signedButUnexpectedBodiesAreStoredAndExplained() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client)
            let org = try await harness.organization().id
            try await harness.connect(org, phoneNumberID: "555000111", wabaID: "waba-x")
            let app = try await buildApplication(
                configuration: Self.configuration(databaseURL: url),
                logger: TestDatabase.logger
            )
            let malformed = Data(#"{"object":"whatsapp_business_account","entry":[{"id":"#.utf8)
            let unknownField = Data(
                #"{"object":"whatsapp_business_account","entry":[{"id":"waba-x","time":1731705721,"changes":[{"field":"unknown_field_xyz","value":{"anything":[1,2,3]}}]}]}"#
                    .utf8
            )
            let notWhatsApp = Data(#"{"hello":"world"}"#.utf8)
            try await app.test(.live) { http in
                let bad = try await Self.postWebhook(malformed, via: http)
                #expect(bad.status == .badRequest)
                #expect(String(buffer: bad.body).contains("malformed_payload"))
                for body in [unknownField, notWhatsApp] {
                    let response = try await Self.postWebhook(body, via: http)
                    #expect(response.status == .ok)
                }
                try await Self.waitForWorker(harness)
            }
            let states = try await harness.rows("SELECT state, coalesce(note, '∅') FROM webhook_events ORDER BY id")
            #expect(
                states == [
                    "unparseable|body is not valid JSON", "processed|∅", "unparseable|no entry[].changes[] in the body",
                ]
            )
            #expect(
                try await harness.rows("SELECT field, payload::text FROM whatsapp_account_events") == [
                    #"unknown_field_xyz|{"anything": [1, 2, 3]}"#
                ]
            )
        }
    }

    @Test func theWholeCorpusOverHTTPIsStoredAndIngested() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client)
            let (org, apiKey) = try await harness.organization()
            try await harness.connectCorpus(org)
            let payloads = try Corpus.all()
            let app = try await buildApplication(
                configuration: Self.configuration(databaseURL: url),
                logger: TestDatabase.logger
            )
            try await app.test(.live) { http in
                for payload in payloads {
                    let response = try await Self.postWebhook(payload.body, via: http)
                    #expect(response.status == .ok, "\(payload.name)")
                }
                // A re-delivery of the same bytes is acknowledged and collapses onto the stored event.
                let again = try await Self.postWebhook(payloads[0].body, via: http)
                #expect(again.status == .ok)
                try await Self.waitForWorker(harness)

                let unauthenticated = try await http.execute(uri: "/api/organization", method: .get)
                #expect(unauthenticated.status == .unauthorized)
                let summary = try await http.execute(
                    uri: "/api/organization",
                    method: .get,
                    headers: [.authorization: "Bearer \(apiKey)"]
                )
                #expect(summary.status == .ok)
                let json = try JSONValue.parse(Data(summary.body.readableBytesView))
                #expect(
                    json["messages"]?.intValue == (try await harness.count("SELECT count(*) FROM whatsapp_messages"))
                )
                let threads = try await http.execute(
                    uri: "/api/whatsapp/threads?limit=5",
                    method: .get,
                    headers: [.authorization: "Bearer \(apiKey)"]
                )
                #expect(threads.status == .ok)
                #expect(try JSONValue.parse(Data(threads.body.readableBytesView))["threads"]?.arrayValue?.count == 5)
            }
            #expect(try await harness.count("SELECT count(*) FROM webhook_events") == Set(payloads.map(\.body)).count)
            #expect(try await harness.count("SELECT count(*) FROM webhook_events WHERE state <> 'processed'") == 0)
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM jobs WHERE state <> 'done' AND kind NOT IN ('download_media', 'refresh_summary')"
                ) == 0
            )
            // Summary refreshes wait out their debounce (15 s), at most one per thread.
            #expect(
                try await harness.count(
                    """
                    SELECT count(*) FROM jobs WHERE kind = 'refresh_summary'
                        AND (state <> 'queued' OR run_at <= now() OR ref_uuid NOT IN (SELECT id FROM whatsapp_threads))
                    """
                ) == 0
            )
            #expect(
                try await harness.count(
                    """
                    SELECT count(*) FROM (SELECT ref_uuid FROM jobs WHERE kind = 'refresh_summary'
                        GROUP BY ref_uuid HAVING count(*) > 1) doubled
                    """
                ) == 0
            )
            // Every inbound media object has exactly one download job (the media fetcher runs them).
            #expect(
                try await harness.count("SELECT count(*) FROM jobs WHERE kind = 'download_media'")
                    == harness.count("SELECT count(*) FROM media_blobs")
            )
        }
    }

    /// Concurrent requests share commits, and every one of them is stored before it returns.
    @Test func concurrentStoresAllCommit() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let writer = WebhookEventWriter(store: harness.events, flushers: 2, maxBatch: 64)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                try await withThrowingTaskGroup(of: Void.self) { requests in
                    for index in 0..<500 {
                        requests.addTask {
                            let body = Data(#"{"object":"whatsapp_business_account","n":\#(index)}"#.utf8)
                            try await writer.store(try SealedWebhook(body: body, secretBox: harness.secretBox))
                        }
                    }
                    try await requests.waitForAll()
                }
                #expect(try await harness.count("SELECT count(*) FROM webhook_events") == 500)
                #expect(try await harness.count("SELECT count(*) FROM jobs WHERE kind = 'ingest_webhook'") == 500)
                writer.close()
                try await group.waitForAll()
            }
            // Once closed, the writer refuses instead of losing an event.
            await #expect(throws: StoreError.self) {
                try await writer.store(try SealedWebhook(body: Data("{}".utf8), secretBox: harness.secretBox))
            }
        }
    }
}
