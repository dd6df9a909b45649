import NIOConcurrencyHelpers

/// Rate-limit state in this process: sharded, locked per shard, and synchronous.
///
/// ``decide(_:)-(RateLimitCheck)`` is the fast path: one hash, one uncontended lock, no allocation and no task
/// hop per decision, so a middleware in front of an in-memory policy costs well under a microsecond. Keys are
/// spread over ``shardCount`` shards so both cores decide in parallel.
///
/// Idle keys expire: each entry records when it becomes indistinguishable from a fresh key, reads treat it as
/// fresh from then on, and ``removeExpired()`` (run by ``RateLimitSweeper``) frees it. Memory therefore follows
/// the keys active within a window, not every key ever seen.
public final class InMemoryRateLimitStore: RateLimitStore {
    struct Entry: Sendable {
        var state: RateLimitState
        var expiresAt: Int64
    }

    /// One shard: a table guarded by its own lock.
    final class Shard: @unchecked Sendable {
        // Safe: `table` is read and written only while `lock` is held. It lives behind a pointer allocated once,
        // so its accesses skip the dynamic exclusivity checks a class's stored property would pay per decision.
        let lock = NIOLock()
        let storage: UnsafeMutablePointer<KeyTable>

        init() {
            storage = .allocate(capacity: 1)
            storage.initialize(to: KeyTable())
        }

        deinit {
            storage.deinitialize(count: 1)
            storage.deallocate()
        }

        var table: KeyTable {
            _read { yield storage.pointee }
            _modify { yield &storage.pointee }
        }
    }

    private let shards: [Shard]
    private let mask: Int
    private let clock: any RateLimitClock

    /// Creates an empty store.
    /// - Parameters:
    ///   - clock: The time decisions are made at (``ContinuousRateLimitClock`` by default).
    ///   - shardCount: How many independently locked tables to spread keys over; rounded up to a power of two.
    public init(clock: any RateLimitClock = ContinuousRateLimitClock(), shardCount: Int = 64) {
        var count = 1
        while count < max(1, min(shardCount, 4096)) { count <<= 1 }
        shards = (0..<count).map { _ in Shard() }
        mask = count - 1
        self.clock = clock
    }

    /// The number of shards.
    public var shardCount: Int { shards.count }

    /// The number of keys held, expired ones not yet removed included.
    public var keyCount: Int {
        shards.reduce(0) { total, shard in total + shard.lock.withLock { shard.table.count } }
    }

    /// How many entries `key`'s live state under `policy` holds: for a sliding-window log, one per admitted
    /// request still held (never one per unit: a request of cost 100,000 is one entry); 1 for the other
    /// algorithms; 0 when the key has no live state. For tests and diagnostics.
    public func stateEntryCount(policy: RateLimitPolicy, key: String) -> Int {
        let now = clock.nowMicroseconds
        let hash = KeyTable.hash(policy: policy, key: key)
        let shard = shards[shardIndex(hash)]
        return shard.lock.withLock {
            guard let slot = shard.table.find(hash, policy: policy.name, key: key) else { return 0 }
            let entry = shard.table[slot]
            guard entry.expiresAt > now else { return 0 }
            if case .slidingWindowLog(let log) = entry.state { return log.entryCount }
            return 1
        }
    }

    /// Decides one check: the synchronous fast path.
    /// - Returns: The decision; the key's state is updated only when it admits.
    public func decide(_ check: RateLimitCheck) -> RateLimitDecision {
        let now = clock.nowMicroseconds
        let hash = KeyTable.hash(policy: check.policy, key: check.key)
        let shard = shards[shardIndex(hash)]
        let evaluation: RateLimitState.Evaluation = shard.lock.withLock {
            Self.decideLocked(in: shard, hash, check: check, now: now)
        }
        return decision(check, evaluation)
    }

    /// Decides a request's checks together: admitted only if every check admits; then every check consumes,
    /// else none does.
    public func decide(_ checks: [RateLimitCheck]) -> RateLimitResult {
        if checks.count == 1 {
            let decision = decide(checks[0])
            return RateLimitResult(allowed: decision.allowed, decisions: [decision])
        }
        let now = clock.nowMicroseconds
        let keys = checks.map {
            Located(hash: KeyTable.hash(policy: $0.policy, key: $0.key), policy: $0.policy.name, key: $0.key)
        }
        // Lock every shard involved, in ascending order (so two requests never wait on each other in a cycle).
        var indices = Array(Set(keys.map { shardIndex($0.hash) }))
        indices.sort()
        for index in indices { shards[index].lock.lock() }
        defer { for index in indices.reversed() { shards[index].lock.unlock() } }

        // Evaluate every check against the state the earlier checks of this request would leave (two checks on
        // one key and policy see each other), then write all of it or none of it.
        var pending: [Located: Entry] = [:]
        var evaluations: [RateLimitState.Evaluation] = []
        evaluations.reserveCapacity(checks.count)
        var allowed = true
        for (check, key) in zip(checks, keys) {
            let current = pending[key] ?? stored(key, now: now)
            let evaluation = RateLimitState.evaluate(current?.state, policy: check.policy, cost: check.cost, now: now)
            evaluations.append(evaluation)
            guard evaluation.allowed else {
                allowed = false
                continue
            }
            if var state = current?.state {
                state.apply(evaluation.update)
                pending[key] = Entry(state: state, expiresAt: max(current!.expiresAt, evaluation.expiresAt))
            } else if let state = RateLimitState.initial(for: evaluation.update) {
                pending[key] = Entry(state: state, expiresAt: evaluation.expiresAt)
            }
        }
        var decisions: [RateLimitDecision] = []
        decisions.reserveCapacity(checks.count)
        if allowed {
            for (key, entry) in pending {
                let shard = shards[shardIndex(key.hash)]
                if let slot = shard.table.find(key.hash, policy: key.policy, key: key.key) {
                    shard.table[slot] = entry
                } else {
                    shard.table.insert(key.hash, policy: key.policy, key: key.key, entry)
                }
            }
            for (check, evaluation) in zip(checks, evaluations) { decisions.append(decision(check, evaluation)) }
        } else {
            for (offset, (check, key)) in zip(checks, keys).enumerated() {
                var evaluation = evaluations[offset]
                if evaluation.allowed {
                    // Nothing was consumed: report the key's state as it is.
                    evaluation = RateLimitState.evaluate(
                        stored(key, now: now)?.state,
                        policy: check.policy,
                        cost: 0,
                        now: now
                    )
                }
                decisions.append(decision(check, evaluation))
            }
        }
        return RateLimitResult(allowed: allowed, decisions: decisions)
    }

    /// Decides a request (``decide(_:)-([RateLimitCheck])``); never throws and never suspends.
    public func check(_ checks: [RateLimitCheck]) async throws -> RateLimitResult {
        decide(checks)
    }

    /// Forgets every key's state under `policy` (for example after the policy changed algorithm).
    public func removeAll(policy: String) {
        for shard in shards {
            _ = shard.lock.withLock { shard.table.removeAll { key, _ in key.policy == policy } }
        }
    }

    /// Frees every entry that has expired, one shard at a time.
    /// - Returns: How many entries were removed.
    @discardableResult
    public func removeExpired() -> Int {
        let now = clock.nowMicroseconds
        var removed = 0
        for shard in shards {
            removed += shard.lock.withLock { shard.table.removeAll { _, entry in entry.expiresAt <= now } }
        }
        return removed
    }

    // MARK: - Private

    /// A key located by its hash, for the multi-check path.
    private struct Located: Hashable {
        var hash: Int
        var policy: String
        var key: String
    }

    /// Keys spread over shards by the hash's top bits; a table's slot index uses the low bits. (Sharing bits would
    /// crowd each shard's keys into a fraction of its slots: long probe chains.)
    @inline(__always)
    private func shardIndex(_ hash: Int) -> Int { Int(truncatingIfNeeded: UInt(bitPattern: hash) >> 52) & mask }

    /// The live entry for `key`; the caller holds its shard's lock.
    private func stored(_ key: Located, now: Int64) -> Entry? {
        let shard = shards[shardIndex(key.hash)]
        guard let slot = shard.table.find(key.hash, policy: key.policy, key: key.key) else { return nil }
        let entry = shard.table[slot]
        return entry.expiresAt > now ? entry : nil
    }

    /// Decides one check against the shard's entry and commits it when admitted; the caller holds the lock.
    private static func decideLocked(
        in shard: Shard,
        _ hash: Int,
        check: RateLimitCheck,
        now: Int64
    ) -> RateLimitState.Evaluation {
        guard let slot = shard.table.find(hash, policy: check.policy.name, key: check.key) else {
            let evaluation = RateLimitState.evaluate(nil, policy: check.policy, cost: check.cost, now: now)
            if evaluation.allowed, let state = RateLimitState.initial(for: evaluation.update) {
                shard.table.insert(
                    hash,
                    policy: check.policy.name,
                    key: check.key,
                    Entry(state: state, expiresAt: evaluation.expiresAt)
                )
            }
            return evaluation
        }
        let entry = shard.table[slot]
        let live = entry.expiresAt > now ? entry.state : nil
        let evaluation = RateLimitState.evaluate(live, policy: check.policy, cost: check.cost, now: now)
        guard evaluation.allowed else { return evaluation }
        switch evaluation.update {
        case .none:
            break
        case .replace(let state):
            shard.table[slot] = Entry(state: state, expiresAt: evaluation.expiresAt)
        case .appendLog:
            if live == nil {
                shard.table[slot] = Entry(
                    state: RateLimitState.initial(for: evaluation.update)!,
                    expiresAt: evaluation.expiresAt
                )
            } else {
                var updated = shard.table[slot]
                // Keeps the log's buffer unique.
                shard.table[slot] = Entry(state: .gcra(theoreticalArrival: 0), expiresAt: 0)
                updated.state.apply(evaluation.update)
                updated.expiresAt = evaluation.expiresAt
                shard.table[slot] = updated
            }
        }
        return evaluation
    }

    private func decision(_ check: RateLimitCheck, _ evaluation: RateLimitState.Evaluation) -> RateLimitDecision {
        RateLimitDecision(
            policy: check.policy,
            key: check.key,
            allowed: evaluation.allowed,
            limit: evaluation.limit,
            remaining: evaluation.remaining,
            resetAfterMicroseconds: evaluation.resetAfter,
            retryAfterMicroseconds: evaluation.retryAfter
        )
    }
}
