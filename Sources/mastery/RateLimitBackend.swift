import Foundation
import RateLimiting

/// What `mastery ratelimit` works on: a server's API or the shared Redis. Both answer in the API's terms.
protocol RateLimitBackend: Sendable {
    /// Decides a request: `POST /v1/ratelimit/check`.
    /// - Throws: ``RateLimitCLIError``.
    func check(_ request: RateLimitCheckRequest) async throws -> RateLimitCheckReply
    /// Every policy, sorted by name.
    /// - Throws: ``RateLimitCLIError``.
    func policies() async throws -> [RateLimitPolicy]
    /// The policy named `name`.
    /// - Throws: ``RateLimitCLIError`` (66 when there is none).
    func policy(named name: String) async throws -> RateLimitPolicy
    /// Creates or replaces a policy and returns it as stored.
    /// - Throws: ``RateLimitCLIError``.
    func put(_ policy: RateLimitPolicy) async throws -> RateLimitPolicy
    /// Deletes the policy named `name`.
    /// - Throws: ``RateLimitCLIError`` (66 when there is none).
    func delete(name: String) async throws
    /// Releases the connection; never throws.
    func close() async
}

/// The body of `POST /v1/ratelimit/check`.
struct RateLimitCheckRequest: Codable, Sendable, Equatable {
    /// One policy applied to one key.
    struct Descriptor: Codable, Sendable, Equatable {
        var policy: String
        var key: String
        var cost: Int?
    }

    var descriptors: [Descriptor]
    /// The cost of every descriptor without its own (1 when absent).
    var cost: Int?
}

/// The answer of `POST /v1/ratelimit/check`, and what `check --json` prints: durations in seconds, `retryAfter`
/// always present (`null` when admitted, or when the cost can never be admitted).
struct RateLimitCheckReply: Codable, Sendable, Equatable {
    /// One policy's answer.
    struct Decision: Codable, Sendable, Equatable {
        var policy: String
        var key: String
        var allowed: Bool
        var limit: Int
        var remaining: Int
        var resetAfter: Double
        var retryAfter: Double?

        private enum CodingKeys: String, CodingKey {
            case policy, key, allowed, limit, remaining, resetAfter, retryAfter
        }

        init(policy: String, key: String, allowed: Bool, limit: Int, remaining: Int, resetAfter: Double, retryAfter: Double?) {
            self.policy = policy
            self.key = key
            self.allowed = allowed
            self.limit = limit
            self.remaining = remaining
            self.resetAfter = resetAfter
            self.retryAfter = retryAfter
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(policy, forKey: .policy)
            try container.encode(key, forKey: .key)
            try container.encode(allowed, forKey: .allowed)
            try container.encode(limit, forKey: .limit)
            try container.encode(remaining, forKey: .remaining)
            try container.encode(resetAfter, forKey: .resetAfter)
            try container.encode(retryAfter, forKey: .retryAfter)
        }
    }

    var allowed: Bool
    var remaining: Int
    var resetAfter: Double
    var retryAfter: Double?
    var source: String
    var decisions: [Decision]

    private enum CodingKeys: String, CodingKey {
        case allowed, remaining, resetAfter, retryAfter, source, decisions
    }

    init(allowed: Bool, remaining: Int, resetAfter: Double, retryAfter: Double?, source: String, decisions: [Decision]) {
        self.allowed = allowed
        self.remaining = remaining
        self.resetAfter = resetAfter
        self.retryAfter = retryAfter
        self.source = source
        self.decisions = decisions
    }

    /// The reply for a decision made here (the Redis mode).
    init(_ result: RateLimitResult) {
        self.init(
            allowed: result.allowed,
            remaining: result.remaining,
            resetAfter: Self.seconds(result.resetAfter),
            retryAfter: result.retryAfter.map(Self.seconds),
            source: result.source.rawValue,
            decisions: result.decisions.map { decision in
                Decision(
                    policy: decision.policy.name,
                    key: decision.key,
                    allowed: decision.allowed,
                    limit: decision.limit,
                    remaining: decision.remaining,
                    resetAfter: Self.seconds(decision.resetAfter),
                    retryAfter: decision.retryAfter.map(Self.seconds)
                )
            }
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(allowed, forKey: .allowed)
        try container.encode(remaining, forKey: .remaining)
        try container.encode(resetAfter, forKey: .resetAfter)
        try container.encode(retryAfter, forKey: .retryAfter)
        try container.encode(source, forKey: .source)
        try container.encode(decisions, forKey: .decisions)
    }

    /// A duration in seconds, to the microsecond.
    static func seconds(_ duration: Duration) -> Double {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return Double(microseconds) / 1_000_000
    }
}

/// The body of `GET /v1/ratelimit/policies`, and what `policies list --json` prints.
struct RateLimitPolicyList: Codable, Sendable {
    var policies: [RateLimitPolicy]
}

/// JSON as the CLI prints it: sorted keys, no escaped slashes.
enum RateLimitJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
