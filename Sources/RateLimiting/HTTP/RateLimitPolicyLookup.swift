/// Where a ``RateLimitMiddleware`` finds its policies by name, on every request: the server's policy
/// registry (so a policy changed through the API applies to the next request), or a fixed
/// ``RateLimitPolicySet``.
public protocol RateLimitPolicyLookup: Sendable {
    /// The policy named `name`, or `nil` when there is none. Called once per policy per request: must not block.
    func policy(named name: String) -> RateLimitPolicy?
}

/// A fixed set of policies, for a service that configures its limits in code.
public struct RateLimitPolicySet: RateLimitPolicyLookup, Sendable {
    private let policies: [String: RateLimitPolicy]

    /// Creates the set; of policies sharing a name, the last wins.
    public init(_ policies: [RateLimitPolicy]) {
        self.policies = Dictionary(policies.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The policy named `name`, if any.
    public func policy(named name: String) -> RateLimitPolicy? { policies[name] }
}
