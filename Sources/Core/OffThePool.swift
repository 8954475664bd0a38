import Foundation

/// Who waits for work run off the pool: a person (an API request) or nobody in particular (the
/// pipeline, backfill). Each lane is a Dispatch global queue of its own quality of service with
/// threads of its own, so a search never queues behind a backfill batch; the two share the cores.
public enum WorkLane: Sendable {
    case interactive
    case background

    var qualityOfService: DispatchQoS.QoSClass {
        switch self {
        case .interactive: .userInitiated
        case .background: .utility
        }
    }
}

/// Runs `work` on a Dispatch thread of `lane` and waits for it without holding one of Swift
/// concurrency's threads. For CPU work of milliseconds or more (MiniLM, a large detect batch):
/// the pool has a thread per core, and webhooks and requests share them.
public func offThePool<Value: Sendable>(
    _ lane: WorkLane,
    _ work: @escaping @Sendable () -> Value
) async -> Value {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: lane.qualityOfService).async { continuation.resume(returning: work()) }
    }
}
