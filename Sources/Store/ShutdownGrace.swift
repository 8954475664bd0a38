import Synchronization

/// How long in-flight work (a job, a send, a provider call) may go on once the process starts
/// to shut down. One instance is shared by every worker of a process: shutdown starts at the
/// first ``begin()`` (the signal handler, or the first service told to shut down), all workers
/// stop taking work then, and work still running when the grace ends is cancelled and handed
/// back (a job is queued again, a send released) for the next process to pick up.
public final class ShutdownGrace: Sendable {
    /// The time in-flight work gets after shutdown starts.
    public let grace: Duration

    private struct State {
        var deadline: ContinuousClock.Instant?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())

    /// Work that ran past the grace and was cancelled: nothing of it was recorded as done.
    public struct Interrupted: Error, CustomStringConvertible {
        public var description: String { "interrupted by shutdown after the grace period; handed back" }
    }

    /// - Parameter grace: how long in-flight work may go on after shutdown starts. Default 5 s.
    public init(grace: Duration = .seconds(5)) {
        self.grace = grace
    }

    /// Whether shutdown has started (workers take no new work).
    public var isDraining: Bool { state.withLock { $0.deadline != nil } }

    /// Starts shutdown, once: later calls return the first deadline.
    /// - Returns: When in-flight work will be cancelled.
    @discardableResult
    public func begin() -> ContinuousClock.Instant {
        let (deadline, waiters) = state.withLock {
            state -> (ContinuousClock.Instant, [CheckedContinuation<Void, Never>]) in
            if let deadline = state.deadline { return (deadline, []) }
            let deadline = ContinuousClock.now + grace
            state.deadline = deadline
            defer { state.waiters = [:] }
            return (deadline, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume() }
        return deadline
    }

    /// Runs `operation`. When shutdown starts and the grace ends before it finishes, cancels it
    /// and throws ``Interrupted`` — unless it finishes anyway (work that ignores cancellation,
    /// such as a query), whose result is kept rather than thrown away.
    public func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await self.graceEnded()
                return nil
            }
            defer { group.cancelAll() }
            if case .some(.some(let value)) = try await group.next() { return value }
            group.cancelAll()
            if case .some(.some(let value)) = try? await group.next() { return value }
            throw Interrupted()
        }
    }

    /// Returns when shutdown has started and its grace has ended.
    /// - Throws: `CancellationError` when the task is cancelled first.
    private func graceEnded() async throws {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    if state.deadline != nil || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        try Task.checkCancellation()
        guard let deadline = state.withLock({ $0.deadline }) else { throw CancellationError() }
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}

extension ShutdownGrace: CustomStringConvertible {
    public var description: String { "ShutdownGrace(\(grace))" }
}
