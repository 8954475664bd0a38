import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Runs a fake's routes on an ephemeral loopback port for the duration of a body: the fakes of
/// the OpenAI-compatible endpoints share it.
enum LoopbackServer {
    /// - Parameter bound: told the port once the server listens; the body starts after that.
    static func serve<Result: Sendable>(
        _ router: Router<BasicRequestContext>,
        label: String,
        bound: @escaping @Sendable (Int?) -> Void,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let listening = Mutex(false)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                bound(channel.localAddress?.port)
                listening.withLock { $0 = true }
            },
            logger: Logger(label: label)
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: label))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            for _ in 0..<500 where !listening.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let result = try await body()
            await group.triggerGracefulShutdown()
            return result
        }
    }
}
