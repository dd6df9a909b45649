import Foundation

/// The JSON bodies of the decision and management API under `/v1/ratelimit` (camelCase; durations in seconds as
/// numbers, microsecond precision). Clients (the CLI, the dashboard page, other services) decode the same types.
public enum RateLimitAPI {
    /// `POST /v1/ratelimit/check`:
    /// `{"descriptors": [{"policy": "api", "key": "user-42", "cost": 2}], "cost": 1}`.
    ///
    /// Decoding is strict: unknown fields and numbers that are not integers are refused (400).
    public struct CheckRequest: Codable, Sendable, Hashable {
        /// One policy applied to one key.
        public struct Descriptor: Codable, Sendable, Hashable {
            /// The policy's name.
            public var policy: String
            /// What is limited (1 to ``RateLimitCheck/maximumKeyLength`` bytes, never truncated).
            public var key: String
            /// This descriptor's cost, overriding the request's.
            public var cost: Int?

            /// Creates a descriptor.
            public init(policy: String, key: String, cost: Int? = nil) {
                self.policy = policy
                self.key = key
                self.cost = cost
            }

            enum CodingKeys: String, CodingKey, CaseIterable { case policy, key, cost }

            /// Decodes a descriptor, refusing unknown fields.
            /// - Throws: `DecodingError`.
            public init(from decoder: any Decoder) throws {
                try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
                let container = try decoder.container(keyedBy: CodingKeys.self)
                policy = try container.decode(String.self, forKey: .policy)
                key = try container.decode(String.self, forKey: .key)
                cost = try StrictKeys.integer(container, .cost)
            }
        }

        /// 1 to ``RateLimitCheck/maximumChecks`` descriptors, decided together.
        public var descriptors: [Descriptor]
        /// The cost of each descriptor without one of its own (1 by default).
        public var cost: Int?

        /// Creates a request.
        public init(descriptors: [Descriptor], cost: Int? = nil) {
            self.descriptors = descriptors
            self.cost = cost
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case descriptors, cost }

        /// Decodes a request, refusing unknown fields.
        /// - Throws: `DecodingError`.
        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            descriptors = try container.decode([Descriptor].self, forKey: .descriptors)
            cost = try StrictKeys.integer(container, .cost)
        }
    }

    /// One descriptor's decision.
    public struct Decision: Codable, Sendable, Hashable {
        /// The policy's name.
        public var policy: String
        /// The key.
        public var key: String
        /// Whether this policy admits the request.
        public var allowed: Bool
        /// The units that may pass at once.
        public var limit: Int
        /// The units left now.
        public var remaining: Int
        /// Seconds until the key is back to its full limit.
        public var resetAfter: Double
        /// When rejected, seconds until the same request would pass; `null` when admitted or never.
        public var retryAfter: Double?

        /// The wire form of a decision.
        public init(_ decision: RateLimitDecision) {
            policy = decision.policy.name
            key = decision.key
            allowed = decision.allowed
            limit = decision.limit
            remaining = decision.remaining
            resetAfter = decision.resetAfter.rateLimitSeconds
            retryAfter = decision.retryAfter?.rateLimitSeconds
        }

        enum CodingKeys: String, CodingKey { case policy, key, allowed, limit, remaining, resetAfter, retryAfter }

        /// Encodes the decision; `retryAfter` is always present (`null` when there is none).
        public func encode(to encoder: any Encoder) throws {
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

    /// The answer of `POST /v1/ratelimit/check`.
    public struct CheckResponse: Codable, Sendable, Hashable {
        /// Whether every descriptor admitted (when not, nothing was consumed).
        public var allowed: Bool
        /// The fewest units left across the descriptors.
        public var remaining: Int
        /// The longest time, in seconds, until every key is back to its full limit.
        public var resetAfter: Double
        /// When rejected, seconds until the same request would pass; `null` when admitted, or when a descriptor's
        /// cost exceeds what its policy can ever admit.
        public var retryAfter: Double?
        /// Who decided: `store`, or while the store fails `fail_open`, `fail_closed` or `local_fallback`.
        public var source: String
        /// One decision per descriptor, in order.
        public var decisions: [Decision]

        /// The wire form of a result.
        public init(_ result: RateLimitResult) {
            allowed = result.allowed
            remaining = result.remaining
            resetAfter = result.resetAfter.rateLimitSeconds
            retryAfter = result.retryAfter?.rateLimitSeconds
            source = result.source.rawValue
            decisions = result.decisions.map(Decision.init)
        }

        enum CodingKeys: String, CodingKey { case allowed, remaining, resetAfter, retryAfter, source, decisions }

        /// Encodes the response; `retryAfter` is always present (`null` when there is none).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(allowed, forKey: .allowed)
            try container.encode(remaining, forKey: .remaining)
            try container.encode(resetAfter, forKey: .resetAfter)
            try container.encode(retryAfter, forKey: .retryAfter)
            try container.encode(source, forKey: .source)
            try container.encode(decisions, forKey: .decisions)
        }
    }

    /// `GET /v1/ratelimit/policies`: every policy, sorted by name.
    public struct PolicyList: Codable, Sendable, Hashable {
        /// The policies of this page, sorted by name.
        public var policies: [RateLimitPolicy]
        /// When more policies follow: the cursor of the next page (`?after=` it); absent on the last page.
        public var next: String?

        /// Creates the list.
        public init(policies: [RateLimitPolicy], next: String? = nil) {
            self.policies = policies
            self.next = next
        }
    }

    /// `GET /v1/ratelimit/stats`: cumulative counts since the instance started (a page computes rates from the
    /// differences between two reads).
    public struct Stats: Codable, Sendable, Hashable {
        /// Requests admitted.
        public var allowed: Int
        /// Requests rejected.
        public var denied: Int
        /// Requests decided by a fallback because the store failed.
        public var fallbackDecisions: Int
        /// Whether decisions currently bypass a failing store.
        public var usingFallback: Bool
        /// The store: `memory` or `redis`.
        public var store: String
        /// Per policy name.
        public var policies: [String: RateLimitStatistics.Counts]
        /// The most rejected keys, most rejected first.
        public var limitedKeys: [RateLimitStatistics.LimitedKey]

        /// The wire form of a statistics snapshot.
        public init(_ snapshot: RateLimitStatistics.Snapshot, usingFallback: Bool, store: String) {
            allowed = snapshot.allowed
            denied = snapshot.denied
            fallbackDecisions = snapshot.fallbackDecisions
            self.usingFallback = usingFallback
            self.store = store
            policies = snapshot.policies
            limitedKeys = snapshot.limitedKeys
        }
    }
}

/// Refuses JSON objects with fields a type does not know: a misspelt optional field (`"costs"`) must not be
/// silently ignored.
enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// - Throws: `DecodingError.dataCorrupted` at the first unknown field (its path names it), listing the known ones.
    static func check(_ decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: decoder.codingPath + [AnyKey(stringValue: String(first.prefix(64)))],
                debugDescription: "not a known field (expected \(allowed.joined(separator: ", ")))"
            )
        )
    }
}

extension StrictKeys {
    /// An optional integer field, with a clear error at the field when the number is not an integer or does not
    /// fit in one (Foundation's own error for those names no field).
    /// - Throws: `DecodingError` at the field.
    static func integer<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Int? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let value = try? container.decode(Int.self, forKey: key) { return value }
        // Not an Int: a number of another kind (say which), or not a number (the decoder says so).
        var value = try container.decode(Decimal.self, forKey: key)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        let text = "\(value)"
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        throw DecodingError.dataCorruptedError(
            forKey: key,
            in: container,
            debugDescription: rounded == value
                ? "\(shown) is too large for an integer" : "must be an integer, not \(shown)"
        )
    }
}

extension Duration {
    /// Seconds as a number, to the microsecond.
    var rateLimitSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds / 1_000_000_000_000) / 1_000_000
    }
}
