import AsyncHTTPClient
import Core
import Foundation
import Ingest
import Outbound
import PostgresNIO
import Server
import Store
import Testing
import WainsightTesting

/// The real `wainsight serve` executable, stopped by a real signal while ingest jobs, media
/// downloads whose provider call hangs, and sends whose provider call hangs are in flight.
@Suite struct ShutdownTests {
    static let phone = "111"

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalDrainsAndExitsWithNothingLost(signal: Int32) async throws {
        try await TestDatabase.with { url, client in
            try await FakeGraphAPI.with { fake in
                let harness = try IngestHarness(client: client)
                let (organization, _) = try await harness.organization()
                let accounts = AccountRepository(client: client, secretBox: harness.secretBox, logger: harness.logger)
                _ = try await accounts.add(
                    organization: organization,
                    phoneNumberID: Self.phone,
                    wabaID: Payloads.wabaID,
                    accessToken: "meta-token-111"
                )
                fake.register(phoneNumberID: Self.phone, token: "meta-token-111")
                let now = Int(Date().timeIntervalSince1970)

                // Eight customers wrote (their windows are open) and get a reply each; every
                // first send to them hangs at the provider.
                let customers = (0..<8).map { "1555000\(1000 + $0)" }
                try await harness.store(
                    customers.enumerated().map {
                        Payloads.text(to: Self.phone, from: $1, id: "wamid.IN\($0)", at: now, body: "hola")
                    }
                )
                _ = try await harness.drain()
                // The sending side of "the next process", run by the test after the signal.
                var configuration = WainsightConfiguration(databaseURL: url, masterKey: IngestHarness.testMasterKey)
                configuration.outbound.graphBaseURL = fake.baseURL
                configuration.outbound.retryBase = .milliseconds(10)
                let parts = OutboundParts(
                    configuration: configuration,
                    client: client,
                    httpClient: .shared,
                    secretBox: harness.secretBox,
                    logger: harness.logger
                )
                for customer in customers {
                    fake.script(customer, [.stall(.seconds(120))])
                    _ = try await parts.service.sendText(
                        organization: organization,
                        request: ["phone_number_id": .string(Self.phone), "to": .string(customer), "text": "hi"],
                        idempotencyKey: nil
                    )
                }
                // Voice notes whose files hang at the provider, and a backlog of texts to ingest.
                fake.stallMediaLookups(.seconds(120))
                for index in 0..<4 {
                    fake.addMedia(id: "voice-\(index)", mimeType: "audio/ogg", data: Data("ogg \(index)".utf8))
                }
                try await harness.store(
                    (0..<4).map {
                        Payloads.audio(
                            to: Self.phone,
                            from: customers[$0],
                            id: "wamid.V\($0)",
                            at: now,
                            mediaID: "voice-\($0)"
                        )
                    }
                        + (0..<1500).map {
                            Payloads.text(
                                to: Self.phone,
                                from: "1666\($0)",
                                id: "wamid.B\($0)",
                                at: now,
                                body: "backlog \($0)"
                            )
                        }
                )

                let server = try ServerProcess.start(
                    environment: [
                        "WAINSIGHT_DATABASE_URL": url,
                        "WAINSIGHT_MASTER_KEY": IngestHarness.testMasterKey.base64EncodedString(),
                        "WAINSIGHT_APP_SECRETS": "s",
                        // The system picks a free port: a random one can be an outgoing connection's (errno 98).
                        "WAINSIGHT_PORT": "0",
                        "WAINSIGHT_GRAPH_BASE_URL": fake.baseURL,
                        "WAINSIGHT_PROVIDER_TIMEOUT_MS": "600000",
                        "WAINSIGHT_EMBEDDER": "none",
                        "WAINSIGHT_WORKER_BATCH": "16",
                    ]
                )
                // In flight: every send and at least one media download are hanging at the fake.
                let inFlight = try await server.wait(upTo: .seconds(60)) {
                    fake.rejected[0] ?? 0 >= customers.count && fake.stalledMediaLookups >= 1
                }
                #expect(inFlight, "sends or downloads never reached the provider:\n\(server.log)")

                let signalled = ContinuousClock.now
                kill(server.process.processIdentifier, signal)
                let exited = try await server.wait(upTo: .seconds(20)) { !server.process.isRunning }
                let took = ContinuousClock.now - signalled
                #expect(exited, "still running 20 s after the signal:\n\(server.log)")
                #expect(server.process.terminationReason == .exit)
                #expect(server.process.terminationStatus == 0, "\(server.log)")
                #expect(took < .seconds(10), "took \(took)")
                #expect(server.log.contains("shutting down"))
                #expect(server.log.contains("stopped"))

                // Nothing is held any more: every job and message is done or waits to be picked up.
                let jobs = try await harness.rows(
                    "SELECT kind || ' ' || state || ' ' || count(*) FROM jobs GROUP BY kind, state"
                )
                let sends = try await harness.rows(
                    "SELECT state || ' ' || coalesce(last_error, '') FROM outbox_messages"
                )
                #expect(
                    try await harness.count("SELECT count(*) FROM jobs WHERE state NOT IN ('queued', 'done')") == 0,
                    "\(jobs)\n\(sends)\n\(server.log)"
                )
                #expect(
                    try await harness.rows("SELECT DISTINCT state FROM outbox_messages ORDER BY 1").allSatisfy {
                        $0 == "queued" || $0 == "sent"
                    }
                )

                // The next process picks everything up: the provider answers now.
                fake.stallMediaLookups(nil)
                while try await harness.drain() > 0 {}
                while try await parts.mediaFetcher.drainOnce() > 0 {}
                #expect(try await parts.sender.drain(timeout: .seconds(30)))
                // Stage jobs (queued by the server's ingest) are for a process with the models;
                // summary refreshes wait out their debounce, one per thread.
                #expect(
                    try await harness.count(
                        """
                        SELECT count(*) FROM jobs WHERE state <> 'done'
                            AND kind NOT IN ('\(JobKind.runStages.rawValue)', '\(JobKind.refreshSummary.rawValue)')
                        """
                    ) == 0
                )
                #expect(
                    try await harness.count(
                        """
                        SELECT count(*) FROM (SELECT ref_uuid FROM jobs WHERE kind = 'refresh_summary' AND state = 'queued'
                            GROUP BY ref_uuid HAVING count(*) > 1) doubled
                        """
                    ) == 0
                )
                #expect(
                    try await harness.count("SELECT count(*) FROM whatsapp_messages WHERE direction = 'inbound'")
                        == 1512
                )
                #expect(try await harness.count("SELECT count(*) FROM media_blobs WHERE storage_path IS NULL") == 0)
                #expect(try await harness.rows("SELECT state FROM outbox_messages GROUP BY state") == ["sent"])
                #expect(Set(fake.accepted.map(\.to)) == Set(customers))
            }
        }
    }
}

/// A `wainsight serve` child process of the test, its output in a file.
final class ServerProcess {
    let process: Process
    private let logFile: URL

    private init(process: Process, logFile: URL) {
        self.process = process
        self.logFile = logFile
    }

    /// What it logged so far.
    var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The executable `swift build` put beside the test bundle (or `WAINSIGHT_EXECUTABLE`).
    static func executable() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["WAINSIGHT_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("wainsight")
        guard FileManager.default.isExecutableFile(atPath: beside.path) else {
            throw Missing(
                description: "no wainsight executable at \(beside.path): build it (swift build --build-tests)"
            )
        }
        return beside
    }

    static func start(environment: [String: String]) throws -> ServerProcess {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = ["serve"]
        // The package root, where models/ is.
        process.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("WAINSIGHT_") }
        inherited.merge(environment) { $1 }
        process.environment = inherited
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("wainsight-serve-\(UUID()).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: logFile)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return ServerProcess(process: process, logFile: logFile)
    }

    /// Polls `condition` every 50 ms. - Returns: whether it held before the time ran out.
    func wait(upTo limit: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: logFile)
    }
}
