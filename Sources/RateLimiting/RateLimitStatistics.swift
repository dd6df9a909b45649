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

    /// Counts a result, and each of its decisions under its policy, outcome and source: one lock and one hash of
    /// a precomputed number per decision; the metrics' counters are incremented after the lock is released.
    func record(_ result: RateLimitResult) {
        for (index, decision) in result.decisions.enumerated() {
            record(decision, of: result, first: index == 0)?.increment()
        }
    }

    private func record(_ decision: RateLimitDecision, of result: RateLimitResult, first: Bool) -> Counter? {
        let admitted = decision.allowed && result.allowed
        let slot = (admitted ? 0 : RateLimitResult.Source.allCases.count) + result.source.index
        let name = PolicyName(name: decision.policy.name, hash: decision.policy.nameHash)
        let metrics = metrics
        func count(_ tally: inout PolicyTally) -> Counter? {
            if admitted { tally.counts.allowed += 1 } else { tally.counts.denied += 1 }
            guard let metrics else { return nil }
            if let counter = tally.counters[slot] { return counter }
            let counter = metrics.decisionCounter(policy: decision.policy.name, allowed: admitted, source: result.source)
            tally.counters[slot] = counter
            return counter
        }
        return state.withLock { state -> Counter? in
            if first {
                if result.allowed { state.allowed += 1 } else { state.denied += 1 }
                if result.source != .store { state.fallback += 1 }
            }
            let counter = count(&state.policies[name, default: PolicyTally()])
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
    }

    /// The statistics now, with the `top` most limited keys.
    public func snapshot(top: Int = 10) -> Snapshot {
        state.withLock { state in
            let keys = state.limited.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.key < $1.key.key }
                .prefix(max(0, top))
                .map { LimitedKey(policy: $0.key.policy, key: $0.key.key, denied: $0.value) }
            return Snapshot(
                allowed: state.allowed, denied: state.denied, fallbackDecisions: state.fallback,
                policies: Dictionary(uniqueKeysWithValues: state.policies.map { ($0.key.name, $0.value.counts) }),
                limitedKeys: Array(keys)
            )
        }
    }
}
