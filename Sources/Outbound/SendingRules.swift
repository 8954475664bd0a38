import Foundation
import WhatsAppCloud

/// A token bucket: `rate` tokens a second, holding at most `capacity`. Pure; time is passed in
/// (seconds on any monotonic clock), so tests list instants and expected grants.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let capacity: Double
    public private(set) var tokens: Double
    private var last: Double?

    public init(rate: Double, capacity: Double) {
        self.rate = rate
        self.capacity = max(1, capacity)
        self.tokens = max(1, capacity)
    }

    private mutating func refill(now: Double) {
        if let last { tokens = min(capacity, tokens + max(0, now - last) * rate) }
        last = now
    }

    /// Whole tokens available at `now`.
    public mutating func available(now: Double) -> Int {
        refill(now: now)
        return Int(tokens.rounded(.down))
    }

    /// Takes up to `count` tokens; returns how many were granted.
    @discardableResult
    public mutating func take(_ count: Int, now: Double) -> Int {
        refill(now: now)
        let granted = min(count, Int(tokens.rounded(.down)))
        tokens -= Double(granted)
        return granted
    }

    /// Seconds until `count` tokens (at most the capacity) are available.
    public mutating func wait(now: Double, for count: Int = 1) -> Double {
        refill(now: now)
        let needed = min(Double(count), capacity)
        return tokens >= needed ? 0 : (needed - tokens) / rate
    }

    /// Empties the bucket (the provider said this limit was hit).
    public mutating func drain(now: Double) {
        refill(now: now)
        tokens = 0
    }
}

/// What to do after a failed attempt: retry with exponential backoff and jitter on transient
/// errors, fail at once on permanent ones, dead-letter when the budget is spent.
public struct RetryPolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case fail
        case dead
    }

    public var base: Duration
    public var cap: Duration
    public var maxAttempts: Int

    public init(base: Duration, cap: Duration, maxAttempts: Int) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// - Parameters:
    ///   - attempt: attempts made so far, this one included (1 after the first).
    ///   - random: a number in 0..<1 for the jitter.
    public func decide(_ disposition: GraphAPIError.Disposition, attempt: Int, random: Double) -> Decision {
        let floor: Duration
        switch disposition {
        case .permanent, .needsTemplate: return .fail
        case .retryable: floor = .zero
        case .rateLimited(let after): floor = after
        }
        guard attempt < maxAttempts else { return .dead }
        // Equal jitter: half the exponential step fixed, half random, so retries spread out
        // but never collapse to zero.
        let step = min(cap, base * Int(pow(2, Double(min(attempt - 1, 30)))))
        let delay = step / 2 + step * (random / 2)
        return .retry(after: max(floor, delay))
    }
}
