import ArgumentParser
import Core
import Foundation
import Logging
import PostgresNIO
import Store
import WainsightTesting

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wainsight-bench",
        abstract:
            "Load generators and checkers behind the scripts/bench-* and scripts/crash-ingest benchmarks.",
        subcommands: [
            Prepare.self, Load.self, FakeGraph.self, PrepareOutbound.self, OutboundLoad.self, EmbedSpeed.self,
            SearchSpeed.self, DetectSpeed.self, ExtractSpeed.self,
        ]
    )
}

func benchLogger() -> Logger {
    var logger = Logger(label: "wainsight.bench")
    logger.logLevel = .warning
    return logger
}

func databaseURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["WAINSIGHT_DATABASE_URL"] else {
        throw ValidationError("set WAINSIGHT_DATABASE_URL to the benchmark database")
    }
    return url
}

/// Creates an organization and connects every business number the corpus mentions.
struct Prepare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the benchmark organization and its accounts.")

    func run() async throws {
        let url = try databaseURL()
        guard let key = ProcessInfo.processInfo.environment["WAINSIGHT_MASTER_KEY"].flatMap({ Data(base64Encoded: $0) })
        else { throw ValidationError("set WAINSIGHT_MASTER_KEY") }
        try await Database.withClient(url: url, logger: benchLogger()) { client in
            try await Migrator(client: client).migrate(logger: benchLogger())
            let harness = try IngestHarness(client: client, masterKey: key, logger: benchLogger())
            try await harness.connectCorpus(try await harness.organization("Benchmark").id)
        }
    }
}

struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Send signed corpus webhooks for a fixed time, then check that what was acknowledged is stored and processed once."
    )
    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port = 8080
    @Option(help: "Concurrent keep-alive connections.") var connections = 64
    @Option(help: "Seconds of load.") var seconds = 30
    @Option(help: "App secret that signs the webhooks.") var appSecret: String
    @Option(help: "Seconds to wait for the worker to process everything stored (0: do not wait).")
    var processTimeout = 600

    func run() async throws {
        let templates = try BodyTemplates(payloads: try Corpus.all())
        let started = ContinuousClock.now
        let results = await LoadRun(
            host: host,
            port: port,
            connections: connections,
            duration: .seconds(seconds),
            appSecret: appSecret,
            templates: templates
        ).run()
        let elapsed = (ContinuousClock.now - started).seconds
        var latencies = results.flatMap(\.latenciesNanos)
        latencies.sort()
        let statuses = results.reduce(into: [Int: Int]()) { total, result in
            total.merge(result.statuses, uniquingKeysWith: +)
        }
        let acknowledged = results.flatMap(\.acknowledged)
        let sent = results.reduce(into: [Data: Int]()) { total, result in
            total.merge(result.sent, uniquingKeysWith: { a, _ in a })
        }
        let transportErrors = results.reduce(0) { $0 + $1.transportErrors }
        let oks = statuses[200] ?? 0

        print("ingest load: \(seconds) s, \(connections) connections, \(templates.count) corpus templates")
        print(
            "requests answered: \(latencies.count) (\(Int(Double(latencies.count) / elapsed))/s)  200: \(oks)  other: "
                + "\(statuses.filter { $0.key != 200 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
                + "  transport errors: \(transportErrors)"
        )
        func percentile(_ p: Double) -> String {
            guard !latencies.isEmpty else { return "-" }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p / 100).rounded(.up)) - 1)
            return String(format: "%.2f", Double(latencies[max(0, index)]) / 1e6)
        }
        print(
            "ack latency ms: p50 \(percentile(50))  p99 \(percentile(99))  p99.9 \(percentile(99.9))  max \(percentile(100))"
        )

        let url = try databaseURL()
        let outcome = try await Database.withClient(url: url, logger: benchLogger()) { client in
            try await Self.verify(
                client: client,
                acknowledged: acknowledged,
                sent: sent,
                processTimeout: processTimeout
            )
        }
        if !outcome { throw ExitCode(1) }
    }

    /// Checks: every acknowledged body is stored; once processed, every stored event ran its
    /// ingest job exactly once and produced exactly its messages.
    static func verify(client: PostgresClient, acknowledged: [Data], sent: [Data: Int], processTimeout: Int)
        async throws
        -> Bool
    {
        let logger = benchLogger()
        let events = WebhookEventStore(client: client, logger: logger)
        let queue = JobQueue(client: client, logger: logger)
        let stored = try await events.storedHashes()
        let missing = acknowledged.filter { !stored.contains($0) }.count
        let storedOfOurs = stored.filter { sent[$0] != nil }.count
        print(
            "stored events: \(stored.count) (of this run: \(storedOfOurs)); acknowledged: \(acknowledged.count); "
                + "acknowledged but not stored: \(missing) \(missing == 0 ? "✓" : "✗ LOST")"
        )
        if storedOfOurs > acknowledged.count {
            print(
                "  stored but not acknowledged (in flight when the connection dropped): \(storedOfOurs - acknowledged.count)"
            )
        }
        guard processTimeout > 0 else { return missing == 0 }

        let waitStarted = ContinuousClock.now
        while try await queue.hasOpenJobs(), ContinuousClock.now - waitStarted < .seconds(processTimeout) {
            try await Task.sleep(for: .milliseconds(500))
        }
        let remaining = try await queue.counts().values.reduce(0) { $0 + ($1["queued"] ?? 0) + ($1["running"] ?? 0) }
        let waited = (ContinuousClock.now - waitStarted).seconds
        let processed = try await events.countByState()[.processed] ?? 0
        let notOnce = try await events.notIngestedExactlyOnce()
        let messages = try await DatabaseInspection(client: client, logger: logger).messageCount()
        let expectedMessages = stored.reduce(0) { $0 + (sent[$1] ?? 0) }
        print(
            "processing: \(processed) of \(stored.count) events processed, \(remaining == 0 ? "queue empty" : "\(remaining) jobs left") "
                + String(format: "%.1f s after the load ended", waited)
        )
        print(
            "exactly once: events whose ingest job did not run exactly once: \(notOnce) \(notOnce == 0 ? "✓" : "✗"); "
                + "messages \(messages) = expected \(expectedMessages) \(messages == expectedMessages ? "✓" : "✗")"
        )
        return missing == 0 && remaining == 0 && notOnce == 0 && messages == expectedMessages
            && processed == stored.count
    }
}
