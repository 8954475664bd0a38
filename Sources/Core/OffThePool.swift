import Foundation

/// Runs `work` on a Dispatch thread and waits for it without holding one of Swift
/// concurrency's threads. For CPU work of milliseconds or more (MiniLM, a large detect batch):
/// the pool has a thread per core, and webhooks and requests share them.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
    }
}
