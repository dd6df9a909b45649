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
    /// A key's identity: the policy's name and the key, hashed once.
    struct EntryKey: Hashable, Sendable {
        let policy: String
        let key: String
        let hash: Int

        init(policy: String, key: String) {
            self.policy = policy
            self.key = key
            var hasher = Hasher()
            hasher.combine(policy)
            hasher.combine(key)
            hash = hasher.finalize()
        }

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.hash == rhs.hash && lhs.key == rhs.key && lhs.policy == rhs.policy
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    struct Entry: Sendable {
        var state: RateLimitState
        var expiresAt: Int64
    }

    /// One shard: a table guarded by its own lock.
    final class Shard: @unchecked Sendable {
        // Safe: `entries` is read and written only while `lock` is held.
        let lock = NIOLock()
        var entries: [EntryKey: Entry] = [:]
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
        shards.reduce(0) { total, shard in total + shard.lock.withLock { shard.entries.count } }
    }

    /// Decides one check: the synchronous fast path.
    /// - Returns: The decision; the key's state is updated only when it admits.
    public func decide(_ check: RateLimitCheck) -> RateLimitDecision {
        let now = clock.nowMicroseconds
        let entryKey = EntryKey(policy: check.policy.name, key: check.key)
        let shard = shards[entryKey.hash & mask]
        let evaluation: RateLimitState.Evaluation = shard.lock.withLock {
            Self.decideLocked(in: shard, entryKey, policy: check.policy, cost: check.cost, now: now, commit: true)
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
        let keys = checks.map { EntryKey(policy: $0.policy.name, key: $0.key) }
        // Lock every shard involved, in ascending order (so two requests never wait on each other in a cycle).
        var indices = Array(Set(keys.map { $0.hash & mask }))
        indices.sort()
        for index in indices { shards[index].lock.lock() }
        defer { for index in indices.reversed() { shards[index].lock.unlock() } }

        // Evaluate every check against the state the earlier checks of this request would leave (two checks on
        // one key and policy see each other), then write all of it or none of it.
        var pending: [EntryKey: Entry] = [:]
        var evaluations: [RateLimitState.Evaluation] = []
        evaluations.reserveCapacity(checks.count)
        var allowed = true
        for (check, key) in zip(checks, keys) {
            let current = pending[key] ?? shards[key.hash & mask].entries[key].flatMap { $0.expiresAt > now ? $0 : nil }
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
            for (key, entry) in pending { shards[key.hash & mask].entries[key] = entry }
            for (check, evaluation) in zip(checks, evaluations) { decisions.append(decision(check, evaluation)) }
        } else {
            for (offset, (check, key)) in zip(checks, keys).enumerated() {
                var evaluation = evaluations[offset]
                if evaluation.allowed {
                    // Nothing was consumed: report the key's state as it is.
                    let current = shards[key.hash & mask].entries[key].flatMap { $0.expiresAt > now ? $0.state : nil }
                    evaluation = RateLimitState.evaluate(current, policy: check.policy, cost: 0, now: now)
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
            shard.lock.withLock { shard.entries = shard.entries.filter { $0.key.policy != policy } }
        }
    }

    /// Frees every entry that has expired, one shard at a time.
    /// - Returns: How many entries were removed.
    @discardableResult
    public func removeExpired() -> Int {
        let now = clock.nowMicroseconds
        var removed = 0
        for shard in shards {
            removed += shard.lock.withLock {
                var expired: [EntryKey] = []
                for (key, entry) in shard.entries where entry.expiresAt <= now { expired.append(key) }
                for key in expired { shard.entries.removeValue(forKey: key) }
                return expired.count
            }
        }
        return removed
    }

    // MARK: - Private

    /// Decides against the shard's entry; the caller holds the shard's lock.
    private static func decideLocked(
        in shard: Shard,
        _ key: EntryKey,
        policy: RateLimitPolicy,
        cost: Int,
        now: Int64,
        commit: Bool
    ) -> RateLimitState.Evaluation {
        guard let index = shard.entries.index(forKey: key) else {
            let evaluation = RateLimitState.evaluate(nil, policy: policy, cost: cost, now: now)
            if commit, evaluation.allowed, let state = RateLimitState.initial(for: evaluation.update) {
                shard.entries[key] = Entry(state: state, expiresAt: evaluation.expiresAt)
            }
            return evaluation
        }
        let entry = shard.entries.values[index]
        let live = entry.expiresAt > now ? entry.state : nil
        let evaluation = RateLimitState.evaluate(live, policy: policy, cost: cost, now: now)
        if commit, evaluation.allowed {
            switch evaluation.update {
            case .none:
                break
            case .replace(let state):
                shard.entries.values[index] = Entry(state: state, expiresAt: evaluation.expiresAt)
            case .appendLog:
                if live == nil {
                    shard.entries.values[index] = Entry(state: RateLimitState.initial(for: evaluation.update)!, expiresAt: evaluation.expiresAt)
                } else {
                    shard.entries.values[index].state.apply(evaluation.update)
                    shard.entries.values[index].expiresAt = evaluation.expiresAt
                }
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
            resetAfter: .microseconds(evaluation.resetAfter),
            retryAfter: evaluation.retryAfter.map { .microseconds($0) }
        )
    }
}
