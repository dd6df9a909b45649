import CoreMetrics
import Synchronization

/// What a limiter has decided since it started: totals, per-policy counts and the most limited keys, for the
/// dashboard and `GET /v1/ratelimit/stats`.
///
/// The most limited keys are tracked approximately in bounded memory: at most `trackedKeys` keys are held; when
/// full, the less limited half is forgotten, so a flood of distinct keys cannot grow it.
public final class RateLimitStatistics: Sendable {
    /// Counts of one policy's decisions.
    public struct Counts: Sendable, Hashable, Codable {
        /// Requests the policy admitted (and the request as a whole was admitted).
        public var allowed: Int = 0
        /// Requests the policy, or another policy of the same request, rejected.
        public var denied: Int = 0
    }

    /// A key and how many of its requests were rejected.
    public struct LimitedKey: Sendable, Hashable, Codable {
        /// The policy that rejected.
        public var policy: String
        /// The key.
        public var key: String
        /// How many rejections (approximate once the tracker has forgotten less limited keys).
        public var denied: Int
    }

    /// A consistent copy of the statistics.
    public struct Snapshot: Sendable, Hashable, Codable {
        /// Requests admitted.
        public var allowed: Int
        /// Requests rejected.
        public var denied: Int
        /// Requests decided by a fallback because the store failed.
        public var fallbackDecisions: Int
        /// Per policy name.
        public var policies: [String: Counts]
        /// The most rejected keys, most rejected first.
        public var limitedKeys: [LimitedKey]
    }

    private struct State: Sendable {
        var allowed = 0
        var denied = 0
        var fallback = 0
        var policies: [PolicyName: PolicyTally] = [:]
        var limited: [PolicyKey: Int] = [:]
    }

    /// A policy name hashed by the number its policy computed once (``RateLimitPolicy/nameHash``), so a
    /// decision does not hash the name again.
    private struct PolicyName: Hashable, Sendable {
        var name: String
        var hash: Int

        static func == (lhs: Self, rhs: Self) -> Bool { lhs.hash == rhs.hash && lhs.name == rhs.name }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// One policy's counts, and its `ratelimit_decisions_total` counters by outcome and source (each created on
    /// first use).
    private struct PolicyTally: Sendable {
        var counts = Counts()
        var counters: [Counter?] = Array(repeating: nil, count: 2 * RateLimitResult.Source.allCases.count)
    }

    private struct PolicyKey: Hashable, Sendable {
        var policy: String
        var key: String
    }

    private let state = Mutex(State())
    private let trackedKeys: Int
    private let metrics: RateLimitMetrics?

    /// - Parameters:
    ///   - trackedKeys: How many limited keys to hold at most.
    ///   - metrics: Where each decision is also counted (`ratelimit_decisions_total`), if anywhere.
    init(trackedKeys: Int, metrics: RateLimitMetrics? = nil) {
        self.trackedKeys = max(2, trackedKeys)
        self.metrics = metrics
    }

    /// Counts a result, and each of its decisions under its policy, outcome and source, all under one lock (a
    /// snapshot never sees half a result); a policy is found by its name's precomputed hash, and the metrics'
    /// counters are incremented after the lock is released.
    func record(_ result: RateLimitResult) {
        if result.decisions.count == 1 {
            // The common case, without an array of counters.
            let counter = state.withLock { state in
                count(result, in: &state)
                return count(result.decisions[0], of: result, in: &state)
            }
            counter?.increment()
            return
        }
        let counters = state.withLock { state in
            count(result, in: &state)
            return result.decisions.compactMap { count($0, of: result, in: &state) }
        }
        for counter in counters { counter.increment() }
    }

    private func count(_ result: RateLimitResult, in state: inout State) {
        if result.allowed { state.allowed += 1 } else { state.denied += 1 }
        if result.source != .store { state.fallback += 1 }
    }

    /// Counts one decision (and its key, when it rejected); returns its metrics counter, created on first use.
    private func count(_ decision: RateLimitDecision, of result: RateLimitResult, in state: inout State) -> Counter? {
        let name = PolicyName(name: decision.policy.name, hash: decision.policy.nameHash)
        let counter = tally(
            &state.policies[name, default: PolicyTally()],
            policy: decision.policy.name,
            admitted: decision.allowed && result.allowed,
            source: result.source
        )
        if !decision.allowed {
            let key = PolicyKey(policy: decision.policy.name, key: decision.key)
            if state.limited[key] == nil, state.limited.count >= trackedKeys {
                let kept = state.limited.sorted { $0.value > $1.value }.prefix(trackedKeys / 2)
                state.limited = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
            }
            state.limited[key, default: 0] += 1
        }
        return counter
    }

    /// Counts a decision in its policy's tally; returns the counter of its outcome and source.
    private func tally(
        _ tally: inout PolicyTally,
        policy: String,
        admitted: Bool,
        source: RateLimitResult.Source
    ) -> Counter? {
        if admitted { tally.counts.allowed += 1 } else { tally.counts.denied += 1 }
        guard let metrics else { return nil }
        let slot = (admitted ? 0 : RateLimitResult.Source.allCases.count) + source.index
        if let counter = tally.counters[slot] { return counter }
        let counter = metrics.decisionCounter(policy: policy, allowed: admitted, source: source)
        tally.counters[slot] = counter
        return counter
    }

    /// The statistics now, with the `top` most limited keys.
    public func snapshot(top: Int = 10) -> Snapshot {
        state.withLock { state in
            let keys = state.limited.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.key < $1.key.key }
                .prefix(max(0, top))
                .map { LimitedKey(policy: $0.key.policy, key: $0.key.key, denied: $0.value) }
            return Snapshot(
                allowed: state.allowed,
                denied: state.denied,
                fallbackDecisions: state.fallback,
                policies: Dictionary(uniqueKeysWithValues: state.policies.map { ($0.key.name, $0.value.counts) }),
                limitedKeys: Array(keys)
            )
        }
    }
}
