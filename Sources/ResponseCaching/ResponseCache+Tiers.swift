import Logging
import NIOCore
import Synchronization

extension ResponseCache {
    /// How the fill lock went.
    enum FillLock {
        /// This instance holds it: call the origin, then release it.
        case held
        /// Nobody could be asked (the shared tier is down or absent), or the holder took too long: call the origin.
        case notHeld
        /// Another instance's call filled the shared tier meanwhile.
        case filled(ResponseCacheEntry)
    }

    // MARK: In process

    /// The in-process entry of `key` if the lease allows serving it now.
    func memoryEntry(_ key: String, now: Int64) -> ResponseCacheEntry? {
        guard let cached = memory.value(forKey: key) else { return nil }
        let lease = configuration.backplaneLease.milliseconds
        let lastContact = contact.load(ordering: .acquiring)
        guard CoherenceState.mayServe(lastContact: lastContact, validAt: cached.validAt, now: now, lease: lease) else {
            counters.leaseBypasses.add(1, ordering: .relaxed)
            return nil
        }
        return cached.entry
    }

    /// The in-process entry for `key` when it is fresh and may be served now (within the lease), counted as a
    /// memory hit; `nil` otherwise, counting nothing (the caller then takes the full path, which counts). It never
    /// waits: ``ResponseCacheEdge`` calls it on an event loop.
    func freshMemoryEntry(_ key: String) -> ResponseCacheEntry? {
        let now = clock.now
        guard let cached = memoryEntry(key, now: now), cached.freshness(at: now) == .fresh else { return nil }
        counters.memoryHits.add(1, ordering: .relaxed)
        return cached
    }

    func insertMemory(_ entry: ResponseCacheEntry, forKey key: String, validAt: Int64) {
        memory.insert(
            MemoryEntry(entry: entry, validAt: validAt),
            forKey: key,
            cost: entry.cost,
            tags: entry.tags
        )
    }

    /// A new entry loaded at `loadedAt`, its times from `options` (with its jitter), capped to the maximum lifetime.
    func makeEntry(
        _ value: ByteBuffer,
        options: ResponseCacheEntryOptions,
        loadedAt: Int64,
        now: Int64,
        epoch: UInt64
    ) -> ResponseCacheEntry {
        let cap = configuration.maximumEntryLifetime.milliseconds
        let jitter = options.jitter.milliseconds
        let fresh = min(options.duration.milliseconds + (jitter > 0 ? Int64.random(in: 0...jitter) : 0), cap)
        let revalidate = min(fresh + options.staleWhileRevalidate.milliseconds, cap)
        let stale = min(fresh + options.maximumStaleness.milliseconds, cap)
        return ResponseCacheEntry(
            value: value,
            tags: options.tags,
            loadedAt: loadedAt,
            freshUntil: now + fresh,
            revalidateUntil: now + revalidate,
            staleUntil: now + stale,
            loadMilliseconds: max(0, now - loadedAt),
            epoch: epoch
        )
    }

    /// How long the shared tier keeps `entry`: until its maximum staleness.
    func lifetime(of entry: ResponseCacheEntry) -> Duration {
        .milliseconds(max(1, entry.staleUntil - clock.now))
    }

    // MARK: Shared tier

    /// The shared tier's entry of `key`, put in process when it may be served; `nil` when absent or unreachable.
    func sharedEntry(_ key: String, now: Int64) async -> ResponseCacheEntry? {
        guard let store, storeAvailable(now: now) else { return nil }
        let sequence = coherence.withLock { $0.sequence }
        do {
            let found = try await withStoreTimeout { try await store.entry(forKey: key) }
            storeSucceeded()
            guard let found, found.freshness(at: now) != .expired else { return nil }
            guard coherence.withLock({ now >= $0.quarantineUntil }) else {
                counters.quarantined.add(1, ordering: .relaxed)
                return nil
            }
            if !coherence.withLock({ $0.touched(since: sequence, key: key, tags: found.tags) }) {
                insertMemory(found, forKey: key, validAt: now)
            }
            return found
        } catch {
            storeFailed(error)
            return nil
        }
    }

    /// The shared tier's epoch, `nil` when it is absent or unreachable (nothing is stored there then).
    func sharedEpoch() async -> UInt64? {
        guard let store, storeAvailable(now: clock.now) else { return nil }
        do {
            let epoch = try await withStoreTimeout { try await store.epoch() }
            storeSucceeded()
            return epoch
        } catch {
            storeFailed(error)
            return nil
        }
    }

    /// Takes the fill lock, or waits (polling the shared tier) for the instance that holds it.
    func acquireFillLock(_ key: String, token: String) async -> FillLock {
        guard let store else { return .notHeld }
        let started = clock.now
        let deadline = started + configuration.lockWait.milliseconds
        var pause: Int64 = 5
        while storeAvailable(now: clock.now) {
            do {
                let lifetime = configuration.lockLifetime
                if try await withStoreTimeout({ try await store.lock(key, token: token, lifetime: lifetime) }) {
                    storeSucceeded()
                    return .held
                }
                storeSucceeded()
            } catch {
                storeFailed(error)
                return .notHeld
            }
            let now = clock.now
            guard now < deadline else { return .notHeld }
            do { try await clock.sleep(until: min(now + pause, deadline)) } catch { return .notHeld }
            pause = min(pause * 2, 100)
            if let shared = await sharedEntry(key, now: clock.now), shared.freshness(at: clock.now) == .fresh {
                return .filled(shared)
            }
        }
        return .notHeld
    }

    /// Whether the shared tier may be asked now (it has not failed lately).
    func storeAvailable(now: Int64) -> Bool {
        store != nil && coherence.withLock { now >= $0.storeDownUntil }
    }

    func storeSucceeded() {
        coherence.withLock { $0.storeDownUntil = .min }
    }

    func storeFailed(_ error: any Error) {
        counters.storeErrors.add(1, ordering: .relaxed)
        let now = clock.now
        let wasUp = coherence.withLock { state in
            defer { state.storeDownUntil = now + configuration.storeRetryInterval.milliseconds }
            return state.storeDownUntil == .min
        }
        if wasUp {
            logger.warning(
                "Shared cache tier failed: going on without it",
                metadata: ["cache.error": "\(error)", "cache.retryIn": "\(configuration.storeRetryInterval)"]
            )
        }
    }

    /// Runs a shared-tier call, failing it after ``Configuration/storeTimeout``: the caller never waits longer, even
    /// when the call itself does not end (a stopped server); the call is cancelled then.
    func withStoreTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let (clock, timeout) = (self.clock, configuration.storeTimeout)
        let deadline = clock.now + timeout.milliseconds
        return try await withCheckedThrowingContinuation { continuation in
            let pending = PendingContinuation(continuation)
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                pending.take()?.resume(with: result)
            }
            Task {
                try? await clock.sleep(until: deadline)
                guard let waiting = pending.take() else { return }
                work.cancel()
                waiting.resume(
                    throwing: ResponseCacheError(.storeUnavailable, "the shared tier did not answer within \(timeout)")
                )
            }
        }
    }
}

/// A continuation resumed by whichever of two tasks comes first.
final class PendingContinuation<T: Sendable>: Sendable {
    let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }

    func take() -> CheckedContinuation<T, any Error>? { continuation.withLock { $0.take() } }
}
