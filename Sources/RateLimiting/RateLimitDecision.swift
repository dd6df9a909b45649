/// One policy's answer for one key, in the terms of redis-cell's `CL.THROTTLE` and the `RateLimit` header.
public struct RateLimitDecision: Sendable, Hashable {
    /// The policy that decided.
    public var policy: RateLimitPolicy
    /// The key it decided for.
    public var key: String
    /// Whether this policy admits the request.
    public var allowed: Bool
    /// The units that may pass at once (the policy's burst, or its limit for window algorithms).
    public var limit: Int
    /// The units still available now, after this request when it was admitted.
    public var remaining: Int
    /// ``resetAfter`` in microseconds.
    public var resetAfterMicroseconds: Int64
    /// ``retryAfter`` in microseconds.
    public var retryAfterMicroseconds: Int64?

    /// How long until the key is back to its full `limit` (the `t` of the `RateLimit` header).
    public var resetAfter: Duration {
        get { .microseconds(resetAfterMicroseconds) }
        set { resetAfterMicroseconds = newValue.wholeMicroseconds }
    }
    /// When rejected, how long until the same request would be admitted; `nil` when admitted, and when the cost
    /// exceeds what the policy can ever admit at once.
    public var retryAfter: Duration? {
        get { retryAfterMicroseconds.map { .microseconds($0) } }
        set { retryAfterMicroseconds = newValue?.wholeMicroseconds }
    }

    /// Creates a decision.
    public init(
        policy: RateLimitPolicy,
        key: String,
        allowed: Bool,
        limit: Int,
        remaining: Int,
        resetAfter: Duration,
        retryAfter: Duration?
    ) {
        self.init(
            policy: policy,
            key: key,
            allowed: allowed,
            limit: limit,
            remaining: remaining,
            resetAfterMicroseconds: resetAfter.wholeMicroseconds,
            retryAfterMicroseconds: retryAfter?.wholeMicroseconds
        )
    }

    /// Creates a decision with times in microseconds (the stores' unit; no `Duration` arithmetic).
    public init(
        policy: RateLimitPolicy,
        key: String,
        allowed: Bool,
        limit: Int,
        remaining: Int,
        resetAfterMicroseconds: Int64,
        retryAfterMicroseconds: Int64?
    ) {
        self.policy = policy
        self.key = key
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetAfterMicroseconds = resetAfterMicroseconds
        self.retryAfterMicroseconds = retryAfterMicroseconds
    }
}

extension Duration {
    /// The duration in whole microseconds (truncated).
    var wholeMicroseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}

/// The answer for a whole request: admitted only if every check admitted.
public struct RateLimitResult: Sendable, Hashable {
    /// Where a decision came from.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// The configured store answered.
        case store
        /// The shared store failed and the policies fail open.
        case failOpen = "fail_open"
        /// The shared store failed and the policies fail closed.
        case failClosed = "fail_closed"
        /// The shared store failed and the local in-memory fallback decided.
        case localFallback = "local_fallback"

        /// The source's position in `allCases`.
        var index: Int {
            switch self {
            case .store: 0
            case .failOpen: 1
            case .failClosed: 2
            case .localFallback: 3
            }
        }
    }

    /// Whether the request is admitted (every check admitted; when not, nothing was consumed).
    public var allowed: Bool
    /// One decision per check, in the checks' order. When the request is rejected, the decisions of checks that
    /// would have admitted show their state unchanged.
    public var decisions: [RateLimitDecision]
    /// Who decided.
    public var source: Source

    /// Creates a result.
    public init(allowed: Bool, decisions: [RateLimitDecision], source: Source = .store) {
        self.allowed = allowed
        self.decisions = decisions
        self.source = source
    }

    /// The fewest units remaining across the checks.
    public var remaining: Int {
        var fewest = Int.max
        for decision in decisions { fewest = min(fewest, decision.remaining) }
        return decisions.isEmpty ? 0 : fewest
    }
    /// The longest time to a full reset across the checks.
    public var resetAfter: Duration { decisions.map(\.resetAfter).max() ?? .zero }
    /// When rejected, the longest wait among the rejecting checks (`nil` when admitted, or when some rejecting
    /// check can never admit this cost).
    public var retryAfter: Duration? {
        guard !allowed else { return nil }
        var longest = Duration.zero
        for decision in decisions where !decision.allowed {
            guard let wait = decision.retryAfter else { return nil }
            longest = max(longest, wait)
        }
        return longest
    }
    /// The decision that binds: the first rejecting one, else the one with the fewest remaining.
    public var binding: RateLimitDecision? {
        decisions.first { !$0.allowed } ?? decisions.min { $0.remaining < $1.remaining }
    }
}
