/// One thing to check for a request: a policy applied to a key, at a cost.
///
/// A request may carry several checks (10 per second per user *and* 1,000 per hour per user): a store admits
/// it only if every check admits, and consumes nothing when any rejects.
public struct RateLimitCheck: Sendable, Hashable {
    /// The longest key, in UTF-8 bytes. Longer keys are rejected, never truncated (truncation would make
    /// different clients collide).
    public static let maximumKeyLength = 512
    /// The largest cost of one check.
    public static let maximumCost = 1_000_000_000
    /// The most checks in one request.
    public static let maximumChecks = 16

    /// The policy to apply.
    public var policy: RateLimitPolicy
    /// What is limited: a user, an API key, a client address, a route, or a combination.
    public var key: String
    /// How many units the request consumes (1 by default; 0 asks without consuming).
    public var cost: Int

    /// Creates a check.
    public init(policy: RateLimitPolicy, key: String, cost: Int = 1) {
        self.policy = policy
        self.key = key
        self.cost = cost
    }

    /// Checks the key and the cost.
    /// - Throws: ``RateLimitError`` with code `invalidKey` or `invalidCost`.
    public func validate() throws {
        try Self.validate(key: key)
        guard cost >= 0, cost <= Self.maximumCost else {
            throw RateLimitError(.invalidCost, "cost must be between 0 and \(Self.maximumCost), not \(cost)")
        }
    }

    /// Checks a key: 1 to ``maximumKeyLength`` UTF-8 bytes.
    /// - Throws: ``RateLimitError`` with code `invalidKey`.
    public static func validate(key: String) throws {
        let count = key.utf8.count
        guard count >= 1 else { throw RateLimitError(.invalidKey, "the key is empty") }
        guard count <= maximumKeyLength else {
            throw RateLimitError(.invalidKey, "the key is \(count) bytes long; at most \(maximumKeyLength) are allowed")
        }
    }

    /// Checks a request's checks: 1 to ``maximumChecks``, each valid.
    /// - Throws: ``RateLimitError`` with code `invalidKey` or `invalidCost`.
    public static func validate(_ checks: [RateLimitCheck]) throws {
        guard !checks.isEmpty, checks.count <= maximumChecks else {
            throw RateLimitError(.invalidCost, "a request needs 1 to \(maximumChecks) checks, not \(checks.count)")
        }
        for check in checks { try check.validate() }
    }
}
