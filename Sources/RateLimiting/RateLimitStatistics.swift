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
        var policies: [String: Counts] = [:]
        var limited: [PolicyKey: Int] = [:]
    }

    private struct PolicyKey: Hashable, Sendable {
        var policy: String
        var key: String
    }

    private let state = Mutex(State())
    private let trackedKeys: Int

    init(trackedKeys: Int) {
        self.trackedKeys = max(2, trackedKeys)
    }

    func record(_ result: RateLimitResult) {
        state.withLock { state in
            if result.allowed { state.allowed += 1 } else { state.denied += 1 }
            if result.source != .store { state.fallback += 1 }
            for decision in result.decisions {
                let admitted = decision.allowed && result.allowed
                state.policies[decision.policy.name, default: Counts()].allowed += admitted ? 1 : 0
                state.policies[decision.policy.name, default: Counts()].denied += admitted ? 0 : 1
                guard !decision.allowed else { continue }
                let key = PolicyKey(policy: decision.policy.name, key: decision.key)
                if state.limited[key] == nil, state.limited.count >= trackedKeys {
                    let kept = state.limited.sorted { $0.value > $1.value }.prefix(trackedKeys / 2)
                    state.limited = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
                }
                state.limited[key, default: 0] += 1
            }
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
                policies: state.policies, limitedKeys: Array(keys)
            )
        }
    }
}
