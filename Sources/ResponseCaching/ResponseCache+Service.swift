import Logging
import ServiceLifecycle
import Synchronization

extension ResponseCache {
    /// Hears the backplane (other instances' invalidations, this instance's heartbeats) and sends a heartbeat every
    /// ``Configuration/heartbeatInterval``, recording the invalidations made while the shared tier was down as soon
    /// as it answers; until a graceful shutdown or cancellation. Without a backplane it only waits.
    public func run() async throws {
        guard let backplane else {
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await backplane.listen { event in self.hear(event) }
                    } catch {
                        if Task.isCancelled { return }
                        self.logger.warning("Cache backplane stopped listening", metadata: ["cache.error": "\(error)"])
                    }
                    self.hear(.gap)
                    try? await self.clock.sleep(until: self.clock.now + 1_000)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.beat(backplane)
                    do {
                        try await self.clock.sleep(
                            until: self.clock.now + self.configuration.heartbeatInterval.milliseconds
                        )
                    } catch { return }
                }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }

    /// One heartbeat, and the pending invalidations when the shared tier answers.
    func beat(_ backplane: any ResponseCacheBackplane) async {
        do {
            let sentAt = clock.now
            try await withStoreTimeout { try await backplane.heartbeat(instance: self.instance, sentAt: sentAt) }
            storeSucceeded()
            await recordPending()
        } catch {
            storeFailed(error)
        }
    }

    /// Applies one backplane event.
    func hear(_ event: ResponseCacheBackplaneEvent) {
        switch event {
        case .invalidation(let invalidation):
            guard invalidation.origin != instance else { return }
            counters.invalidationsHeard.add(1, ordering: .relaxed)
            apply(invalidation)
        case .heartbeat(let sender, let sentAt):
            guard sender == instance else { return }
            let lease = configuration.backplaneLease.milliseconds
            let (flush, lastContact) = coherence.withLock { state -> (Bool, Int64) in
                // A silence longer than the lease: announcements made meanwhile may have been missed.
                let gap =
                    state.flushOnContact || (state.heard && (state.lastContact.map { sentAt - $0 > lease } ?? false))
                state.heard = true
                state.lastContact = max(state.lastContact ?? .min, sentAt)
                state.flushOnContact = false
                if gap {
                    state.flush()
                    // Instances that could not record their invalidations do so at their next heartbeat.
                    state.quarantineUntil = sentAt + lease
                }
                return (gap, state.lastContact ?? sentAt)
            }
            if flush {
                let dropped = memory.statistics.count
                memory.removeAll()
                logger.notice(
                    "Cache backplane heard again: in-process entries forgotten",
                    metadata: ["cache.forgotten": "\(dropped)"]
                )
            }
            // After the flush: a hit granted by this contact never finds an entry the flush was to forget.
            contact.store(lastContact, ordering: .releasing)
        case .gap:
            coherence.withLock { state in
                state.flushOnContact = true
                state.flush()
            }
            memory.removeAll()
            logger.warning("Cache backplane gap: in-process entries forgotten until it is heard again")
        }
    }

    /// Applies an invalidation to the in-process tier and notes it (so an origin call in flight does not put an older
    /// value back).
    func apply(_ invalidation: ResponseCacheInvalidation) {
        _ = coherence.withLock { $0.record(invalidation.target) }
        switch (invalidation.target, invalidation.isSoft) {
        case (.key(let key), false): memory.removeValue(forKey: key)
        case (.key(let key), true): memory.modify(forKey: key) { $0.entry.isSoftPurged = true }
        case (.tag(let tag), false): memory.removeAll(taggedWith: tag)
        case (.tag(let tag), true): memory.modifyAll(taggedWith: tag) { $0.entry.isSoftPurged = true }
        // Soft or not, everything in process goes: the shared tier still has the soft-purged copies.
        case (.everything, _): memory.removeAll()
        }
    }

    /// Applies an invalidation here, then records and announces it through the shared tier (or keeps it for when
    /// the tier answers again).
    func invalidate(_ target: ResponseCacheInvalidation.Target, soft: Bool) async throws {
        let local = ResponseCacheInvalidation(target: target, isSoft: soft, origin: instance)
        apply(local)
        counters.invalidationsMade.add(1, ordering: .relaxed)
        guard let store else { return }
        guard storeAvailable(now: clock.now) else {
            enqueuePending(local)
            throw ResponseCacheError(.storeUnavailable, "the shared tier is down; \(local) is applied here only")
        }
        do {
            _ = try await withStoreTimeout { try await store.invalidate(target, soft: soft, origin: self.instance) }
            storeSucceeded()
        } catch {
            storeFailed(error)
            enqueuePending(local)
            throw ResponseCacheError(
                .storeUnavailable,
                "the shared tier did not record \(local); it is applied here and kept for when the tier answers",
                underlying: error
            )
        }
    }

    /// Keeps an invalidation for when the shared tier answers; past the bound, one "everything" replaces them all.
    func enqueuePending(_ invalidation: ResponseCacheInvalidation) {
        coherence.withLock { state in
            if state.pending.count >= configuration.maximumPendingInvalidations {
                state.pending = [ResponseCacheInvalidation(target: .everything, isSoft: false, origin: instance)]
            } else if state.pending.first?.target != .everything {
                state.pending.append(invalidation)
            }
        }
    }

    /// Records the invalidations kept while the shared tier was down, oldest first.
    func recordPending() async {
        guard let store else { return }
        while let next = coherence.withLock({ $0.pending.first }) {
            do {
                _ = try await withStoreTimeout {
                    try await store.invalidate(next.target, soft: next.isSoft, origin: self.instance)
                }
            } catch {
                storeFailed(error)
                return
            }
            coherence.withLock { state in
                if state.pending.first == next { state.pending.removeFirst() }
            }
            logger.notice("Cache invalidation recorded after an outage", metadata: ["cache.invalidation": "\(next)"])
        }
    }
}
