import ArgumentParser
import AsyncHTTPClient
import Core
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Outbound
import PostgresNIO
import Store
import Synchronization
import WainsightTesting

/// The benchmark's numbers: phone_number_id, provider, cap (messages/s), share of the sends.
let benchNumbers: [(phone: String, provider: String, cap: Double, share: Int)] = [
    ("bench-1", "meta", 80, 4), ("bench-2", "meta", 80, 4), ("bench-3", "360dialog", 40, 2),
]
let benchWABA = "bench-waba"

func benchToken(_ phone: String) -> String { "token-\(phone)" }

/// The fake Graph API as its own process, with the benchmark's numbers and template, and
/// random failures.
struct FakeGraph: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-graph",
        abstract: "Serve the fake Graph API (Meta and 360dialog paths) with injected failures."
    )
    @Option(help: "Port to listen on.") var port = 8090
    @Option(help: "Share of sends that fail transiently (5xx, 130429, 131056, stalls).") var transient = 0.2
    @Option(help: "Share of messages that always fail permanently (131026).") var permanent = 0.01
    @Option(help: "How long a stalled request hangs before its 503, in ms.") var stallMS = 3000

    func run() async throws {
        let fake = FakeGraphAPI(templatePageSize: 100)
        for number in benchNumbers {
            fake.register(
                phoneNumberID: number.phone,
                token: benchToken(number.phone),
                dialogKey: number.provider == "360dialog" ? benchToken(number.phone) : nil
            )
        }
        fake.setTemplates(
            waba: benchWABA,
            [
                [
                    "id": "1", "name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
                    "components": [["type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped."]],
                ]
            ]
        )
        fake.setChaos(.init(transient: transient, permanent: permanent, stall: .milliseconds(stallMS)))
        try await fake.application(host: "127.0.0.1", port: port, logger: benchLogger()).runService()
    }
}

/// Creates the organization and its three numbers (two on Meta, one on 360dialog); prints the API key.
struct PrepareOutbound: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-outbound",
        abstract: "Create the outbound benchmark's organization and numbers; print its API key."
    )

    func run() async throws {
        let url = try databaseURL()
        guard let key = ProcessInfo.processInfo.environment["WAINSIGHT_MASTER_KEY"].flatMap({ Data(base64Encoded: $0) })
        else { throw ValidationError("set WAINSIGHT_MASTER_KEY") }
        let apiKey = try await Database.withClient(url: url, logger: benchLogger()) { client in
            try await Migrator(client: client).migrate(logger: benchLogger())
            let box = try SecretBox(masterKey: key)
            let (organization, apiKey) = try await OrganizationRepository(client: client, logger: benchLogger())
                .createOrganization(name: "Outbound benchmark")
            let accounts = AccountRepository(client: client, secretBox: box, logger: benchLogger())
            for number in benchNumbers {
                let account = try await accounts.add(
                    organization: organization,
                    phoneNumberID: number.phone,
                    wabaID: benchWABA,
                    accessToken: benchToken(number.phone),
                    provider: number.provider
                ).account
                try await accounts.setMessagesPerSecond(accountID: account.id, number.cap)
            }
            return apiKey
        }
        print(apiKey)
    }
}

/// Queues the sends through the HTTP API, waits for the senders, and checks the outcome
/// against what the fake received.
struct OutboundLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbound",
        abstract:
            "Send template messages through the API, wait, and check every one was delivered once or failed visibly."
    )
    @Option(help: "wainsight port.") var port = 8089
    @Option(help: "Fake Graph API port.") var fakePort = 8090
    @Option(help: "The organization's API key.") var apiKey: String
    @Option(help: "Messages to send in all.") var sends = 10_000
    @Option(help: "Concurrent API requests while queueing.") var connections = 32
    @Option(help: "Seconds to wait for the outbox to empty.") var timeout = 900
    @Option(help: "Server restarts expected (kill -9 runs): duplicates are then allowed for in-flight messages.")
    var kills = 0
    @Option(help: "queue: only queue the sends (ids to --ids-file); check: wait for the senders and verify; all: both.")
    var phase = "all"
    @Option(help: "Where the queue phase leaves the outbox ids for the check phase.")
    var idsFile = ".data/bench-outbound-ids.txt"

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: connections
        )
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await load(http)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func load(_ http: HTTPClient) async throws {
        guard ["all", "queue", "check"].contains(phase) else { throw ValidationError("--phase is all, queue or check") }
        var ids: [String]
        if phase == "check" {
            ids = try String(contentsOfFile: idsFile, encoding: .utf8).split(separator: "\n").map(String.init)
        } else {
            ids = try await queue(http)
            if phase == "queue" {
                try ids.joined(separator: "\n").write(toFile: idsFile, atomically: true, encoding: .utf8)
                return
            }
        }
        try await check(http, ids: ids)
    }

    /// Queues every send through the API, each with its own Idempotency-Key; a request that
    /// fails (server restarting) is repeated with the same key.
    /// - Returns: The outbox ids.
    func queue(_ http: HTTPClient) async throws -> [String] {
        let base = "http://127.0.0.1:\(port)"
        _ = try await call(http, .POST, "\(base)/api/whatsapp/templates/sync", body: nil)

        let shares = benchNumbers.reduce(0) { $0 + $1.share }
        var plan: [(key: String, phone: String, to: String)] = []
        for (index, number) in benchNumbers.enumerated() {
            let count = index == benchNumbers.count - 1 ? sends - plan.count : sends * number.share / shares
            for _ in 0..<count {
                let n = plan.count
                plan.append(("bench-\(n)", number.phone, "1555" + String(format: "%07d", n)))
            }
        }
        let schedule = plan
        let queueStart = ContinuousClock.now
        let repeats = ManagedCounter()
        let ids = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<connections {
                group.addTask {
                    var ids: [String] = []
                    for item in stride(from: worker, to: schedule.count, by: connections).map({ schedule[$0] }) {
                        let body: JSONValue = [
                            "phone_number_id": .string(item.phone), "to": .string(item.to),
                            "template": [
                                "name": "order_update", "language": "en_US",
                                "components": [
                                    [
                                        "type": "body",
                                        "parameters": [
                                            ["type": "text", "text": "Ana"],
                                            ["type": "text", "text": .string(item.key)],
                                        ],
                                    ]
                                ],
                            ],
                        ]
                        while true {
                            if let answer = try? await call(
                                http,
                                .POST,
                                "\(base)/api/whatsapp/messages/template",
                                body: body,
                                key: item.key
                            ),
                                let id = answer["message"]?["id"]?.stringValue
                            {
                                ids.append(id.lowercased())
                                break
                            }
                            repeats.add()
                            try await Task.sleep(for: .milliseconds(200))
                        }
                    }
                    return ids
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        let queueSeconds = (ContinuousClock.now - queueStart).seconds
        print(
            "queued \(ids.count) sends through the API in \(String(format: "%.1f", queueSeconds)) s "
                + "(\(Int(Double(ids.count) / queueSeconds))/s); requests repeated with the same key: \(repeats.value)"
        )
        return ids
    }

    /// Waits for the senders, then verifies.
    func check(_ http: HTTPClient, ids: [String]) async throws {
        let checkStart = ContinuousClock.now
        let outcome = try await Database.withClient(url: try databaseURL(), logger: benchLogger()) { client in
            let waitStart = ContinuousClock.now
            var pending = Int.max
            var lastReport = ContinuousClock.now
            while pending > 0, ContinuousClock.now - waitStart < .seconds(timeout) {
                pending = try await OutboxRepository(client: client, logger: benchLogger()).pendingCount()
                if ContinuousClock.now - lastReport > .seconds(10) {
                    print("  … \(pending) messages still queued or sending")
                    lastReport = ContinuousClock.now
                }
                if pending > 0 { try await Task.sleep(for: .milliseconds(500)) }
            }
            let elapsed = (ContinuousClock.now - checkStart).seconds
            return try await verify(client: client, http: http, ids: Set(ids), elapsed: elapsed, pending: pending)
        }
        if !outcome { throw ExitCode(1) }
    }

    /// Every queued message is accounted for: sent (the fake accepted it; more than once only if
    /// it was in flight at a kill), failed with Meta's code and text (the fake never accepted
    /// it), or dead-lettered with its last error.
    func verify(client: PostgresClient, http: HTTPClient, ids: Set<String>, elapsed: Double, pending: Int) async throws
        -> Bool
    {
        let logger = benchLogger()
        struct Row {
            var state: String
            var attempts: Int
            var reclaims: Int
            var errorCode: Int?
            var phone: String
        }
        var rows: [String: Row] = [:]
        for outcome in try await OutboxRepository(client: client, logger: logger).outcomes() {
            rows[outcome.id.uuidString.lowercased()] = Row(
                state: outcome.state,
                attempts: outcome.attempts,
                reclaims: outcome.reclaims,
                errorCode: outcome.errorCode,
                phone: outcome.phoneNumberID
            )
        }
        let accepted =
            try await call(http, .GET, "http://127.0.0.1:\(fakePort)/_fake/accepted", body: nil).arrayValue ?? []
        let stats = try await call(http, .GET, "http://127.0.0.1:\(fakePort)/_fake/stats", body: nil)
        var received: [String: Int] = [:]
        for record in accepted { received[record["callback"]?.stringValue ?? "?", default: 0] += 1 }

        let byState = Dictionary(grouping: rows.values, by: \.state).mapValues(\.count)
        let missingRows = ids.subtracting(rows.keys).count
        let sent = rows.filter { $0.value.state == "sent" }
        let failed = rows.filter { $0.value.state == "failed" }
        let dead = rows.filter { $0.value.state == "dead" }
        let sentNotReceived = sent.keys.filter { received[$0] == nil }.count
        let failedButReceived = failed.keys.filter { received[$0] != nil }.count
        let failedWrongReason = failed.values.filter { $0.errorCode != 131026 }.count
        let unknownReceived = received.keys.filter { rows[$0] == nil }.count
        let duplicates = received.filter { $0.value > 1 }
        let duplicatesNotInFlight = duplicates.keys.filter { (rows[$0]?.reclaims ?? 0) == 0 }.count
        let reclaimed = rows.values.filter { $0.reclaims > 0 }.count
        let retries = rows.values.reduce(0) { $0 + max(0, $1.attempts - 1) }

        print(String(format: "all settled %.1f s after the check started", elapsed))
        print(
            "outbox: \(rows.count) messages — sent \(byState["sent"] ?? 0), failed \(byState["failed"] ?? 0), "
                + "dead \(byState["dead"] ?? 0), still pending \(pending)"
        )
        print(
            "attempts beyond the first (retries): \(retries); provider answers refused by the fake: \(String(decoding: (stats["rejected"] ?? JSONValue.null).canonicalData(), as: UTF8.self))"
        )
        for number in benchNumbers {
            let phoneStats = stats["per_number"]?[number.phone]
            let requests = phoneStats?["requests"]?.doubleValue ?? 0
            let count = phoneStats?["accepted"]?.intValue ?? 0
            let span = (phoneStats?["last_at"]?.doubleValue ?? 0) - (phoneStats?["first_at"]?.doubleValue ?? 0)
            let busiest = phoneStats?["max_requests_per_second"]?.intValue ?? 0
            let bulk = (phoneStats?["p90_at"]?.doubleValue ?? 0) - (phoneStats?["first_at"]?.doubleValue ?? 0)
            print(
                "  \(number.phone) (\(number.provider)): \(count) accepted of \(Int(requests)) requests; "
                    + String(format: "first 90%% at %.1f requests/s", bulk > 0 ? requests * 0.9 / bulk : 0)
                    + String(format: ", all in %.1f s", span)
                    + ", busiest 1-s window \(busiest) — cap \(Int(number.cap))/s "
                    + (Double(busiest) <= number.cap + 2 ? "✓" : "✗ OVER")
            )
        }
        func mark(_ ok: Bool) -> String { ok ? "✓" : "✗" }
        print("acknowledged by the API but not in the outbox: \(missingRows) \(mark(missingRows == 0))")
        print("sent but never received by the fake: \(sentNotReceived) \(mark(sentNotReceived == 0))")
        print(
            "failed but received: \(failedButReceived) \(mark(failedButReceived == 0)); failed without Meta's 131026: \(failedWrongReason) \(mark(failedWrongReason == 0))"
        )
        print("received but unknown to the outbox: \(unknownReceived) \(mark(unknownReceived == 0))")
        print("dead letters (retry budget spent, listed by `wainsight outbox dead`): \(dead.count)")
        print(
            "received more than once: \(duplicates.count) (messages in flight at a kill, taken over after their lease: \(reclaimed)); "
                + "duplicates of messages not in flight: \(duplicatesNotInFlight) \(mark(duplicatesNotInFlight == 0))"
        )
        var ok = missingRows == 0 && pending == 0 && sentNotReceived == 0 && failedButReceived == 0
        ok = ok && failedWrongReason == 0 && unknownReceived == 0 && duplicatesNotInFlight == 0
        if kills == 0 { ok = ok && duplicates.isEmpty }
        for number in benchNumbers {
            let busiest = stats["per_number"]?[number.phone]?["max_requests_per_second"]?.intValue ?? 0
            ok = ok && Double(busiest) <= number.cap + 2
        }
        print(ok ? "RESULT: every message accounted for ✓" : "RESULT: FAILED ✗")
        return ok
    }

    func call(_ http: HTTPClient, _ method: HTTPMethod, _ url: String, body: JSONValue?, key: String? = nil)
        async throws -> JSONValue
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body.canonicalData()))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        guard (200..<300).contains(Int(response.status.code)) else {
            throw ValidationError(
                "\(method) \(url) answered \(response.status.code): \(String(decoding: data.prefix(300), as: UTF8.self))"
            )
        }
        return try JSONValue.parse(data)
    }
}

/// A counter shared by the queueing tasks.
final class ManagedCounter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
