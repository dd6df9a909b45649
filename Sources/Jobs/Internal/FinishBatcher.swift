import Foundation
import Platform

/// Ends claims in batches without waiting for a timer: while one `finish` call is at the store, the finishes that
/// arrive queue up and go together in the next (group commit). Under load a batch holds every job that ended
/// during one round trip; when idle each finish goes alone at once.
actor FinishBatcher {
    typealias Waiter = CheckedContinuation<Bool, any Error>

    let store: any JobStore
    let now: @Sendable () -> Date
    let maxBatch: Int
    var pending: [(JobFinish, Waiter)] = []
    var flushing = false

    /// How long one store call may take.
    let timeout: Duration

    init(store: any JobStore, now: @escaping @Sendable () -> Date, timeout: Duration, maxBatch: Int = 500) {
        self.store = store
        self.now = now
        self.timeout = timeout
        self.maxBatch = maxBatch
    }

    /// Ends one claim.
    /// - Returns: Whether the store applied it (`false`: the lease was lost).
    /// - Throws: The store's error (the caller retries; its lease is still extended meanwhile).
    func finish(_ finish: JobFinish) async throws -> Bool {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            pending.append((finish, waiter))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                let finishes = batch.map(\.0)
                let results = try await withDeadline(timeout) { [store, now] in
                    try await store.finish(finishes, at: now())
                }
                for (index, entry) in batch.enumerated() {
                    entry.1.resume(returning: index < results.count ? results[index] : false)
                }
            } catch {
                for entry in batch { entry.1.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
