import Core
import Foundation
import LinearAlgebra
import Normalize
import Synchronization
import Testing

@Suite struct ConsentKeywordsTests {
    @Test(arguments: [
        "STOP", "stop.", "Stop!!", "unsubscribe", "  Opt out ", "BAJA", "darme de baja", "Parar", "sair", "Pare",
        "arrêt", "Désabonner", "stopp", "Abmelden", "basta", "disiscrivimi", "berhenti", "band karo", "mat bhejo",
        "STOP 🙏",
    ])
    func optOuts(text: String) {
        #expect(ConsentKeywords.match(text)?.request == .optOut, "\(text)")
    }

    @Test(arguments: [
        "START", "start", "Unstop", "alta", "voltar", "reprendre", "anmelden", "iscrivimi", "mulai", "shuru karo",
    ])
    func optIns(text: String) {
        #expect(ConsentKeywords.match(text)?.request == .optIn, "\(text)")
    }

    @Test(arguments: [
        "please don't stop the delivery", "can you stop by tomorrow?", "stop sending me the wrong invoice please",
        "Quiero darme de alta en el plan anual con descuento", "hello", "", "🙂",
    ])
    func ordinarySentencesAreNotRequests(text: String) {
        #expect(ConsentKeywords.match(text) == nil, "\(text)")
    }
}

@Suite struct LinearAlgebraTests {
    @Test func sgemmComputesAProduct() {
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, values: [7, 8, 9, 10, 11, 12])
        #expect(a.multiplied(by: b).values == [58, 64, 139, 154])
        // a × aᵀ through the transposed path.
        #expect(a.multiplied(by: a, transposingOther: true).values == [14, 32, 32, 77])
    }

    @Test func sgemmMatchesNaiveLoopsOnRandomMatrices() {
        var generator = SystemRandomNumberGenerator()
        let (m, k, n) = (17, 33, 9)
        let a = Matrix(
            rows: m,
            columns: k,
            values: (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        )
        let b = Matrix(
            rows: k,
            columns: n,
            values: (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        )
        let product = a.multiplied(by: b)
        for i in 0..<m {
            for j in 0..<n {
                let expected = (0..<k).reduce(Float(0)) { $0 + a[i, $1] * b[$1, j] }
                #expect(abs(product[i, j] - expected) < 1e-4)
            }
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsApplyWhenUnset() throws {
        let configuration = try WainsightConfiguration(environment: [:])
        #expect(configuration.port == 8080)
        #expect(configuration.appSecrets.isEmpty)
        #expect(configuration.verifyToken == nil)
        #expect(configuration.masterKey == nil)
    }

    @Test func readsEveryDocumentedKey() throws {
        let key = Data(repeating: 1, count: 32).base64EncodedString()
        let configuration = try WainsightConfiguration(environment: [
            "WAINSIGHT_DATABASE_URL": "postgres://u@db:5432/x",
            "WAINSIGHT_APP_SECRETS": "old, new ,",
            "WAINSIGHT_VERIFY_TOKEN": "vt",
            "WAINSIGHT_MASTER_KEY": key,
            "WAINSIGHT_PORT": "9090",
        ])
        #expect(configuration.databaseURL == "postgres://u@db:5432/x")
        #expect(configuration.appSecrets == ["old", "new"])
        #expect(configuration.verifyToken == "vt")
        #expect(configuration.masterKey == Data(repeating: 1, count: 32))
        #expect(configuration.port == 9090)
    }

    @Test(arguments: [
        ["WAINSIGHT_PORT": "eighty"], ["WAINSIGHT_PORT": "70000"], ["WAINSIGHT_MASTER_KEY": "c2hvcnQ="],
    ])
    func malformedValuesNameTheirKey(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) { try WainsightConfiguration(environment: environment) }
    }
}

@Suite struct OffThePoolTests {
    /// More blocked `offThePool` calls than the machine has cores leave Swift concurrency's
    /// threads free: a task started after them still runs while they are all blocked. (Had the
    /// work held the pool's threads, the task would have waited for the guard that frees the
    /// work after 20 s.)
    @Test func blockedWorkLeavesTheConcurrencyPoolFree() async {
        let blocked = ProcessInfo.processInfo.activeProcessorCount + 2
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let freedByGuard = Flag()
        let guardRelease = DispatchWorkItem {
            freedByGuard.value.withLock { $0 = true }
            for _ in 0..<(2 * blocked) { gate.signal(); started.signal() }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 20, execute: guardRelease)
        let workers = (0..<blocked).map { index in
            Task {
                await offThePool(.interactive) {
                    started.signal()
                    gate.wait()
                    return index
                }
            }
        }
        await offThePool(.interactive) { for _ in 0..<blocked { started.wait() } }
        let answer = await Task { 6 * 7 }.value
        let wasFreedByGuard = freedByGuard.value.withLock { $0 }
        guardRelease.cancel()
        for _ in 0..<blocked { gate.signal() }
        var results: [Int] = []
        for worker in workers { results.append(await worker.value) }
        #expect(answer == 42)
        #expect(!wasFreedByGuard, "the task ran only after the blocked work was freed")
        #expect(results == Array(0..<blocked))
    }

    /// Interactive work runs while background work keeps every background thread busy and more
    /// waits in line: the lanes have threads of their own. (On one lane it would queue behind
    /// the spinners, Dispatch's idle threads included, until the guard stops them after 20 s.)
    @Test func interactiveWorkDoesNotQueueBehindBackgroundWork() async {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let spinners = cores + 8
        let stop = Flag()
        let freedByGuard = Flag()
        let started = DispatchSemaphore(value: 0)
        let guardRelease = DispatchWorkItem {
            freedByGuard.value.withLock { $0 = true }
            stop.value.withLock { $0 = true }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 20, execute: guardRelease)
        let workers = (0..<spinners).map { _ in
            Task {
                await offThePool(.background) {
                    started.signal()
                    var turns = 0
                    while !stop.value.withLock({ $0 }) { turns += 1 }
                    return turns
                }
            }
        }
        await offThePool(.interactive) { for _ in 0..<cores { started.wait() } }
        let answer = await offThePool(.interactive) { 6 * 7 }
        let wasFreedByGuard = freedByGuard.value.withLock { $0 }
        guardRelease.cancel()
        stop.value.withLock { $0 = true }
        for worker in workers { _ = await worker.value }
        #expect(answer == 42)
        #expect(!wasFreedByGuard, "the interactive work ran only after the background work stopped")
    }

    final class Flag: Sendable {
        let value = Mutex(false)
    }
}
