import Core
import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization
import WhatsAppCloud

/// Delivers the outbox: one lane per phone number with due messages, each shaping its traffic
/// to the number's throughput cap (token bucket) and Meta's pair rate per recipient, sending up
/// to `concurrency` requests at once, and recording every outcome (sent, retry later, failed,
/// dead). Several processes may run it against one database: messages are leased.
///
/// A message is claimed (committed) before its request goes out, and the answer is recorded
/// after; if the process dies in between, the lease runs out and another sender sends it again.
/// Those in-flight messages are the only possible duplicates: the Graph API has no idempotency key.
public struct OutboxSender: Service {
    public let outbox: OutboxRepository
    /// The templates a window refusal suggests.
    public let templates: TemplateRepository
    public let directory: ProviderDirectory
    public let options: WainsightConfiguration.OutboundOptions
    /// The process's shutdown: lanes stop claiming when it starts, and a send still waiting for
    /// the provider when its grace ends is cancelled and released for another sender.
    public let shutdown: ShutdownGrace
    public let logger: Logger
    /// Token buckets per number and per recipient, kept across lanes (a lane ends when its
    /// number has nothing due; Meta's limits do not reset with it).
    let limits = RateLimits()

    public init(
        outbox: OutboxRepository,
        templates: TemplateRepository,
        directory: ProviderDirectory,
        options: WainsightConfiguration.OutboundOptions,
        shutdown: ShutdownGrace = ShutdownGrace(),
        logger: Logger
    ) {
        self.outbox = outbox
        self.templates = templates
        self.directory = directory
        self.options = options
        self.shutdown = shutdown
        self.logger = logger
    }

    var retryPolicy: RetryPolicy {
        RetryPolicy(base: options.retryBase, cap: options.retryCap, maxAttempts: options.maxAttempts)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await poll()
        } onGracefulShutdown: { [shutdown] in
            shutdown.begin()
        }
        logger.info("outbox sender stopped")
        try? await gracefulShutdown()  // its own turn (see IngestWorker.run)
    }

    private func poll() async {
        let lanes = ActiveLanes()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !shutdown.isDraining {
                do {
                    for account in try await outbox.accountsWithDueMessages() {
                        guard lanes.start(account) else { continue }
                        group.addTask {
                            await self.lane(account: account)
                            lanes.finish(account)
                        }
                    }
                } catch  where Task.isCancelled {
                    return
                } catch {
                    logger.error("outbox poll failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: options.pollInterval)
            }
        }
    }

    /// Sends until no message is queued or held (for tests and commands): lanes run one after
    /// another; retries scheduled for later are waited for, up to `timeout`.
    /// - Returns: `false` when messages were still pending at the timeout.
    @discardableResult
    public func drain(timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let due = try await outbox.accountsWithDueMessages()
            if due.isEmpty {
                if try await outbox.pendingCount() == 0 { return true }
                try await Task.sleep(for: .milliseconds(10))
                continue
            }
            for account in due { await lane(account: account) }
        }
        return false
    }

    /// Sends every due message of one account (then returns, when none is left), within its
    /// rate limits. On graceful shutdown it stops claiming and lets requests in flight finish.
    func lane(account: UUID) async {
        let connection: ProviderDirectory.Connection
        do {
            connection = try await directory.connection(account: account)
        } catch let error as StoreError where error.code == .decryptionFailed {
            // No retry opens the credential: park the account's messages visibly instead of
            // polling them forever.
            let reason = "\(error.code): the account's access token does not open: \(error.message)"
            let parked = try? await outbox.deadLetterWaiting(account: account, reason: reason)
            logger.error(
                "outbox account credential cannot be opened; its waiting messages are dead letters",
                metadata: ["wa.account.id": "\(account)", "outbox.parked": "\(parked ?? 0)"]
            )
            return
        } catch {
            logger.error(
                "outbox lane cannot start",
                metadata: ["wa.account.id": "\(account)", "error": "\(String(reflecting: error))"]
            )
            try? await Task.sleep(for: .seconds(5))
            return
        }
        let rate = connection.messagesPerSecond
        // A tenth of a second of burst, refilled at the rest of the cap: burst plus refill never
        // exceed the cap in any one-second window (a plain bucket at the cap would allow cap + burst).
        let burst = max(1, (rate / 10).rounded(.down))
        let numberBucket = TokenBucket(rate: max(rate - burst, rate / 2), capacity: burst)
        let pairBucket = TokenBucket(
            rate: 1 / max(0.001, options.pairInterval.seconds),
            capacity: Double(options.pairBurst)
        )
        let limit = max(1, options.concurrency)

        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while !Task.isCancelled && !shutdown.isDraining {
                if inFlight >= limit {
                    await group.next()
                    inFlight -= 1
                    continue
                }
                // Claim in batches of a full bucket (a tenth of a second's worth) rather than one
                // message per token: one lease statement carries several sends.
                let batch = min(Int(numberBucket.capacity), limit - inFlight)
                let (available, wait) = limits.update("n:\(account)", initial: numberBucket) { bucket, now in
                    (bucket.available(now: now), bucket.wait(now: now, for: batch))
                }
                if available < batch {
                    try? await Task.sleep(for: .seconds(wait))
                    continue
                }
                let claimed: [ClaimedMessage]
                do {
                    claimed = try await outbox.claim(
                        account: account,
                        limit: batch,
                        lease: options.lease
                    )
                } catch {
                    if Task.isCancelled { break }
                    logger.error("outbox claim failed", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                if claimed.isEmpty {
                    if inFlight == 0 { break }
                    await group.next()
                    inFlight -= 1
                    continue
                }
                for item in claimed {
                    let pairWait = limits.update("p:\(account):\(item.message.recipient)", initial: pairBucket) {
                        bucket,
                        now in bucket.take(1, now: now) == 1 ? nil : bucket.wait(now: now)
                    }
                    if let pairWait {
                        do {
                            try await outbox.postpone(item.message, by: .milliseconds(Int(pairWait * 1000) + 1))
                        } catch {
                            logger.error("outbox postpone failed", metadata: ["error": "\(String(reflecting: error))"])
                        }
                        continue
                    }
                    limits.update("n:\(account)", initial: numberBucket) { bucket, now in bucket.take(1, now: now) }
                    inFlight += 1
                    group.addTask { await self.deliver(item, through: connection.provider) }
                }
            }
            // Requests in flight finish before the lane returns (the group waits for them).
        }
    }

    /// Sends one held message and records the outcome.
    func deliver(_ item: ClaimedMessage, through provider: any MessagingProvider) async {
        let message = item.message
        var metadata: Logger.Metadata = ["outbox.id": "\(message.id)", "outbox.attempt": "\(message.attempts)"]
        do {
            // The rules again, as they are now: consent or the window may have changed since queueing.
            do {
                try ComplianceGuard.checkRecipient(item.consent, templateCategory: message.templateCategory)
                if message.kind == .text && !ComplianceGuard.windowIsOpen(expiresAt: item.windowExpiresAt, now: Date())
                {
                    // The refusal names the templates to use instead; looked up only now, off the
                    // path of every send.
                    let target = try await outbox.target(organization: message.organizationID, thread: message.threadID)
                    try ComplianceGuard.checkWindow(
                        expiresAt: item.windowExpiresAt,
                        now: Date(),
                        templates: try await templates.list(
                            organization: message.organizationID,
                            wabaID: target.wabaID
                        ),
                        language: target.language
                    )
                }
            } catch let refusal as OutboundError {
                try await outbox.markFailed(
                    message,
                    dead: false,
                    code: nil,
                    reason: "\(refusal.code): \(refusal.message)"
                )
                return
            }

            let receipt: SendReceipt
            do {
                receipt = try await shutdown.run { try await provider.send(message.body) }
            } catch let error as OutboundError {
                try await recordFailure(message, error: error)
                return
            } catch is ShutdownGrace.Interrupted {
                // Meta may or may not have it: released now, it goes out again from the next
                // sender, as after a crash (the Graph API has no idempotency key).
                try await outbox.postpone(message, by: .zero)  // not an attempt, as for jobs
                logger.info("outbox send interrupted at shutdown; released", metadata: metadata)
                return
            }
            metadata["wa.message.id"] = "\(receipt.messageID)"
            try await recordSent(message, receipt: receipt)
            logger.debug("outbox message sent", metadata: metadata)
        } catch {
            // The store failed; the lease runs out and the message is tried again.
            metadata["error"] = "\(String(reflecting: error))"
            logger.error("outbox outcome not recorded", metadata: metadata)
        }
    }

    /// The provider accepted the message: record it, insisting, since a lost record means the
    /// lease runs out and the message goes out again.
    private func recordSent(_ message: OutboxMessage, receipt: SendReceipt) async throws {
        let text = message.body["text"]?["body"]?.stringValue
        var delay = Duration.milliseconds(100)
        for attempt in 1...6 {
            do {
                if try await !outbox.markSent(message, providerMessageID: receipt.messageID, text: text) {
                    logger.warning(
                        "outbox lease lost before the send was recorded; the message may have gone out twice",
                        metadata: ["outbox.id": "\(message.id)", "wa.message.id": "\(receipt.messageID)"]
                    )
                }
                return
            } catch  where attempt < 6 && !Task.isCancelled {
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }

    private func recordFailure(_ message: OutboxMessage, error: OutboundError) async throws {
        let reason: String
        if let graph = error.graphError {
            reason = "(#\(graph.code)) \(graph.message)" + (graph.details.map { " — \($0)" } ?? "")
        } else {
            reason = "\(error.code): \(error.message)"
        }
        let decision = retryPolicy.decide(
            error.disposition,
            attempt: message.attempts,
            random: Double.random(in: 0..<1)
        )
        logger.debug(
            "outbox send failed",
            metadata: [
                "outbox.id": "\(message.id)", "outbox.attempt": "\(message.attempts)", "error": "\(reason)",
                "outbox.decision": "\(decision)",
            ]
        )
        if error.graphError?.code == 131056 {
            // Meta says this recipient got too much too fast: no more to them until the bucket refills.
            limits.update("p:\(message.accountID):\(message.recipient)", initial: TokenBucket(rate: 1, capacity: 1)) {
                bucket,
                now in bucket.drain(now: now)
            }
        }
        switch decision {
        case .retry(let delay):
            try await outbox.markRetry(message, after: delay, error: reason)
        case .fail:
            try await outbox.markFailed(message, dead: false, code: error.graphError?.code, reason: reason)
        case .dead:
            try await outbox.markFailed(message, dead: true, code: error.graphError?.code, reason: reason)
        }
    }
}

/// Token buckets by key, on one monotonic clock, shared by the lanes of a process.
final class RateLimits: Sendable {
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init() { start = clock.now }

    /// Runs `body` on the bucket of `key` (made from `initial` the first time) at the current time.
    @discardableResult
    func update<Result>(_ key: String, initial: TokenBucket, _ body: (inout TokenBucket, Double) -> Result) -> Result {
        let elapsed = clock.now - start
        let now = elapsed.seconds
        return buckets.withLock { buckets in
            if buckets.count > 100_000 {
                // Full buckets carry no state: forget them.
                buckets = buckets.filter {
                    var bucket = $0.value; return bucket.available(now: now) < Int(bucket.capacity)
                }
            }
            var bucket = buckets[key] ?? initial
            let result = body(&bucket, now)
            buckets[key] = bucket
            return result
        }
    }
}

/// The accounts that have a lane running in this process.
private final class ActiveLanes: Sendable {
    private let accounts = Mutex<Set<UUID>>([])
    func start(_ account: UUID) -> Bool { accounts.withLock { $0.insert(account).inserted } }
    func finish(_ account: UUID) { _ = accounts.withLock { $0.remove(account) } }
}
