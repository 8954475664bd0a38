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
    public let directory: ProviderDirectory
    public let options: WainsightConfiguration.OutboundOptions
    public let logger: Logger

    public init(
        outbox: OutboxRepository,
        directory: ProviderDirectory,
        options: WainsightConfiguration.OutboundOptions,
        logger: Logger
    ) {
        self.outbox = outbox
        self.directory = directory
        self.options = options
        self.logger = logger
    }

    var retryPolicy: RetryPolicy {
        RetryPolicy(base: options.retryBase, cap: options.retryCap, maxAttempts: options.maxAttempts)
    }

    public func run() async throws {
        let lanes = ActiveLanes()
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
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

    /// Sends every due message of one account (then returns, when none is left), within its
    /// rate limits. On graceful shutdown it stops claiming and lets requests in flight finish.
    func lane(account: UUID) async {
        let connection: ProviderDirectory.Connection
        do {
            connection = try await directory.connection(account: account)
        } catch {
            logger.error(
                "outbox lane cannot start",
                metadata: ["wa.account.id": "\(account)", "error": "\(String(reflecting: error))"]
            )
            try? await Task.sleep(for: .seconds(5))
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> Double {
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let rate = connection.messagesPerSecond
        // A tenth of a second of burst: the cap holds over any one-second window.
        var bucket = TokenBucket(rate: rate, capacity: max(1, rate / 10))
        let pairRate = 1 / max(0.001, Double(options.pairInterval.components.seconds))
        var pairs: [String: TokenBucket] = [:]
        let limit = max(1, options.concurrency)

        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if inFlight >= limit {
                    await group.next()
                    inFlight -= 1
                    continue
                }
                let available = bucket.available(now: now())
                if available == 0 {
                    try? await Task.sleep(for: .seconds(bucket.wait(now: now())))
                    continue
                }
                let claimed: [ClaimedMessage]
                do {
                    claimed = try await outbox.claim(
                        account: account,
                        limit: min(available, limit - inFlight),
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
                if pairs.count > 10_000 {
                    // Full buckets carry no state: drop them.
                    let instant = now()
                    pairs = pairs.filter {
                        var bucket = $0.value; return bucket.available(now: instant) < options.pairBurst
                    }
                }
                for item in claimed {
                    let instant = now()
                    var pair =
                        pairs[item.message.recipient]
                        ?? TokenBucket(rate: pairRate, capacity: Double(options.pairBurst))
                    guard pair.take(1, now: instant) == 1 else {
                        let wait = pair.wait(now: instant)
                        pairs[item.message.recipient] = pair
                        do {
                            try await outbox.postpone(item.message, by: .milliseconds(Int(wait * 1000) + 1))
                        } catch {
                            logger.error("outbox postpone failed", metadata: ["error": "\(String(reflecting: error))"])
                        }
                        continue
                    }
                    pairs[item.message.recipient] = pair
                    bucket.take(1, now: instant)
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
                if message.kind == .text {
                    try ComplianceGuard.checkWindow(expiresAt: item.windowExpiresAt, now: Date())
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
                receipt = try await provider.send(message.body)
            } catch let error as OutboundError {
                try await recordFailure(message, error: error)
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

/// The accounts that have a lane running in this process.
private final class ActiveLanes: Sendable {
    private let accounts = Mutex<Set<UUID>>([])
    func start(_ account: UUID) -> Bool { accounts.withLock { $0.insert(account).inserted } }
    func finish(_ account: UUID) { _ = accounts.withLock { $0.remove(account) } }
}
