import Core
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Store
import Synchronization
import UnixSignals

/// Runs `app` until SIGTERM or SIGINT, then stops within `deadline` and returns normally.
///
/// On the signal: the HTTP server stops accepting, every worker stops taking work, work in
/// flight gets `shutdown`'s grace to finish, and what is still running then is cancelled and
/// handed back (jobs queued again, sends released: the next process picks them up). A request
/// that hangs past `deadline` minus two seconds is cancelled with the rest of the group; if
/// anything still runs at `deadline`, the process exits anyway — nothing is lost, since every
/// job and send is leased in Postgres and an expired lease is taken over. A second signal exits
/// at once.
///
/// Docker, Kubernetes and systemd stop a service with SIGTERM and kill it after a grace period
/// (Docker's default is 10 s, Kubernetes' 30 s, systemd's 90 s); `deadline` stays inside all.
///
/// - Throws: What the application threw before any signal (a failed start, say).
public func runUntilStopped(
    _ app: some ApplicationProtocol,
    shutdown: ShutdownGrace,
    deadline: Duration = .seconds(9.5),
    logger: Logger
) async throws {
    var configuration = ServiceGroupConfiguration(services: [.init(service: app)], logger: logger)
    configuration.maximumGracefulShutdownDuration = max(shutdown.grace, deadline - .seconds(2))
    let group = ServiceGroup(configuration: configuration)
    let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
    let signalled = SignalTime()
    do {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                for await signal in signals {
                    guard signalled.record() else {
                        logger.warning("second signal: exiting now", metadata: ["signal": "\(signal)"])
                        exitNow()
                    }
                    shutdown.begin()
                    logger.info(
                        "shutting down: no new requests or jobs; work in flight gets the grace, then is handed back",
                        metadata: ["signal": "\(signal)", "grace": "\(shutdown.grace)", "deadline": "\(deadline)"]
                    )
                    exitAtDeadline(deadline, logger: logger)
                    await group.triggerGracefulShutdown()
                }
            }
            tasks.addTask { try await group.run() }
            // The group ends (after a signal, or by failing); the signal loop ends with it.
            try await tasks.next()
            tasks.cancelAll()
        }
    } catch {
        guard let start = signalled.start else { throw error }
        // Work cancelled at the deadline ends with cancellation errors: expected here.
        logger.debug("service group ended with an error after the signal", metadata: ["error": "\(error)"])
        logger.info("stopped", metadata: ["shutdown.seconds": "\(ContinuousClock.now - start)"])
        return
    }
    if let start = signalled.start {
        logger.info("stopped", metadata: ["shutdown.seconds": "\(ContinuousClock.now - start)"])
    }
}

/// When the first signal came.
private final class SignalTime: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)

    var start: ContinuousClock.Instant? { instant.withLock { $0 } }

    /// Records now as the signal's time. - Returns: whether this was the first signal.
    func record() -> Bool {
        instant.withLock { start in
            defer { start = start ?? .now }
            return start == nil
        }
    }
}

/// Ends the process at `deadline` if it is still running: a last resort on a Dispatch timer, so
/// it fires even when every Swift concurrency thread is stuck.
private func exitAtDeadline(_ deadline: Duration, logger: Logger) {
    DispatchQueue.global().asyncAfter(deadline: .now() + deadline.seconds) {
        logger.error(
            "shutdown deadline passed with work still running; exiting (leases hand it to the next process)"
        )
        exitNow()
    }
}

/// Exits at once with status 0, without running exit handlers (NIO's threads are still up).
private func exitNow() -> Never {
    fflush(nil)
    _exit(0)
}
