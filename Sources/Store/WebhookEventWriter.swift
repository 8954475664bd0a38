import Logging
import ServiceLifecycle
import Synchronization

/// Stores webhooks as they are acknowledged, grouping concurrent requests into shared commits.
///
/// Each request waits until its event is committed, so a 200 always means stored. While one
/// batch commits, the next fills: under load many requests share one INSERT and one fsync;
/// at rest a request commits alone, with no timer adding latency. `flushers` batches may be
/// in flight at once.
public final class WebhookEventWriter: Service {
    private struct Pending {
        var event: SealedWebhook
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var idleFlushers: [CheckedContinuation<[Pending], Never>] = []
        var closed = false
    }

    private let store: WebhookEventStore
    private let flushers: Int
    private let maxBatch: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - flushers: Batches in flight at once. Default 4.
    ///   - maxBatch: Most events in one statement. Default 512.
    public init(store: WebhookEventStore, flushers: Int = 4, maxBatch: Int = 512) {
        self.store = store
        self.flushers = max(1, flushers)
        self.maxBatch = max(1, maxBatch)
    }

    /// Stores one webhook durably; returns once it is committed.
    /// - Throws: ``StoreError`` when the writer has stopped, or the database error of the batch.
    public func store(_ event: SealedWebhook) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let action: Action = state.withLock { state in
                guard !state.closed else { return .rejected }
                state.queue.append(Pending(event: event, continuation: continuation))
                guard let flusher = state.idleFlushers.popLast() else { return .queued }
                return .handOff(flusher, Self.take(&state.queue, max: maxBatch))
            }
            switch action {
            case .rejected:
                continuation.resume(throwing: StoreError(.unavailable, "the webhook writer has stopped; retry shortly"))
            case .queued:
                break
            case .handOff(let flusher, let batch):
                flusher.resume(returning: batch)
            }
        }
    }

    private enum Action {
        case rejected
        case queued
        case handOff(CheckedContinuation<[Pending], Never>, [Pending])
    }

    public func run() async throws {
        // Graceful shutdown drains the queue; cancellation (a sibling service failed) closes it
        // too, so waiting flushers wake up instead of holding the process open.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for _ in 0..<flushers {
                        group.addTask { await self.flushLoop() }
                    }
                }
            } onGracefulShutdown: {
                self.close()
            }
        } onCancel: {
            self.close()
        }
    }

    /// Stops taking events; queued ones are still committed.
    public func close() {
        let idle = state.withLock { state in
            state.closed = true
            let idle = state.idleFlushers
            state.idleFlushers = []
            return idle
        }
        for flusher in idle { flusher.resume(returning: []) }
    }

    private func flushLoop() async {
        while true {
            let batch = await nextBatch()
            if batch.isEmpty { return }
            do {
                try await store.insert(batch.map(\.event))
                for pending in batch { pending.continuation.resume() }
            } catch {
                store.logger.error("webhook batch not stored", metadata: ["error": "\(String(reflecting: error))"])
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }

    /// The next batch; waits while the queue is empty; empty once closed and drained.
    private func nextBatch() async -> [Pending] {
        await withCheckedContinuation { (flusher: CheckedContinuation<[Pending], Never>) in
            let batch: [Pending]? = state.withLock { state in
                if !state.queue.isEmpty { return Self.take(&state.queue, max: maxBatch) }
                if state.closed { return [] }
                state.idleFlushers.append(flusher)
                return nil
            }
            if let batch { flusher.resume(returning: batch) }
        }
    }

    private static func take(_ queue: inout [Pending], max: Int) -> [Pending] {
        let count = min(max, queue.count)
        let batch = Array(queue.prefix(count))
        queue.removeFirst(count)
        return batch
    }
}
