public import Configuration
import Foundation
import Platform

extension RateLimitSystem {
    /// The rate limiter's settings in `mastery serve`: keys under `ratelimit.` (`MASTERY_RATELIMIT_*`
    /// variables, a `"ratelimit"` object in the JSON file).
    public struct Configuration: Sendable {
        /// Where decision state lives.
        public enum Store: String, Sendable, Hashable, CaseIterable {
            /// This process's memory (policies in the embedded SQLite database).
            case memory
            /// The shared Redis tier (policies there too, changes announced to every instance).
            case redis
        }

        /// The store; `nil` picks `redis` when the server has a Redis tier, else `memory`.
        public var store: Store?
        /// The longest a decision waits for the store before the policy's failure mode decides.
        public var decisionTimeout: Duration
        /// While the store fails, how often one decision probes it.
        public var recoveryProbeInterval: Duration
        /// The reverse proxies whose forwarding header is believed (empty: the TCP peer is the client).
        public var trustedProxies: [IPAddressRange]
        /// The header those proxies append the client's address to.
        public var forwardedHeader: ClientAddressResolver.Header
        /// The prefix of every Redis key and channel of the rate limiter.
        public var keyPrefix: String
        /// The most policies the store may hold (a new one past it is refused with 409).
        public var maxPolicies: Int

        /// The defaults: store chosen by the tier, 100 ms decisions, 1 s probes, no trusted proxy,
        /// `X-Forwarded-For`, prefix `mastery:ratelimit`, at most 1,000 policies.
        public init(
            store: Store? = nil,
            decisionTimeout: Duration = .milliseconds(100),
            recoveryProbeInterval: Duration = .seconds(1),
            trustedProxies: [IPAddressRange] = [],
            forwardedHeader: ClientAddressResolver.Header = .xForwardedFor,
            keyPrefix: String = "mastery:ratelimit",
            maxPolicies: Int = RateLimitPolicyRegistry.defaultMaximumPolicies
        ) {
            self.maxPolicies = maxPolicies
            self.store = store
            self.decisionTimeout = decisionTimeout
            self.recoveryProbeInterval = recoveryProbeInterval
            self.trustedProxies = trustedProxies
            self.forwardedHeader = forwardedHeader
            self.keyPrefix = keyPrefix
        }

        /// Reads the configuration from the system's scoped reader; absent keys take their defaults.
        ///
        /// - Configuration keys (under `ratelimit.`):
        ///   - `store`: `memory` or `redis` (default: `redis` when `redisURL`/`redisSentinels` is set, else
        ///     `memory`; `redis` without a Redis tier is an error).
        ///   - `decisionTimeout`: seconds a decision may wait for the store, 0.001–60 (default 0.1; `"100ms"`
        ///     works too).
        ///   - `recoveryProbeInterval`: seconds between probes of a failing store, 0.01–3600 (default 1).
        ///   - `trustedProxies`: comma-separated addresses and CIDR blocks of the reverse proxies in front of
        ///     the server, such as `10.0.0.0/8, ::1` (a JSON array in the file works too; default: none).
        ///   - `forwardedHeader`: `x-forwarded-for` or `forwarded` (RFC 7239): the header those proxies write
        ///     (default `x-forwarded-for`). The other header is never read.
        ///   - `keyPrefix`: the prefix of the Redis keys, 1–64 printable ASCII characters without spaces or
        ///     braces (default `mastery:ratelimit`).
        ///   - `maxPolicies`: the most policies the store may hold, 1–100,000 (default 1,000); a new policy past it
        ///     is refused (`409 /problems/too-many-policies`), replacing one always works.
        /// - Throws: ``ConfigurationError`` naming the `ratelimit.` key and what it accepts.
        public init(reader: ConfigReader) throws {
            self.init()
            do {
                try read(reader)
            } catch var error as ConfigurationError {
                error.key = "ratelimit." + error.key
                throw error
            }
        }

        private mutating func read(_ reader: ConfigReader) throws {
            if let store = try reader.validatedChoice("store", in: Store.allCases.map(\.rawValue)) {
                self.store = Store(rawValue: store)
            }
            if let timeout = try reader.validatedDuration("decisionTimeout", in: 0.001...60) {
                decisionTimeout = timeout
            }
            if let interval = try reader.validatedDuration("recoveryProbeInterval", in: 0.01...3600) {
                recoveryProbeInterval = interval
            }
            let expectation =
                "a comma-separated list of IP addresses and CIDR blocks, such as 10.0.0.0/8, ::1 (at most 256)"
            if let text = reader.string(forKey: "trustedProxies") {
                trustedProxies = try Self.parseProxies(
                    text.split(separator: ",").map(String.init),
                    expected: expectation
                )
            } else if let list = reader.stringArray(forKey: "trustedProxies") {
                trustedProxies = try Self.parseProxies(list, expected: expectation)
            } else if reader.hasValue(forKey: "trustedProxies") {
                throw ConfigurationError(key: "trustedProxies", expected: expectation)
            }
            if let header = try reader.validatedChoice(
                "forwardedHeader",
                in: ClientAddressResolver.Header.allCases.map(\.rawValue)
            ) {
                forwardedHeader = ClientAddressResolver.Header(rawValue: header) ?? .xForwardedFor
            }
            if let prefix = try reader.validatedString(
                "keyPrefix",
                expected: "1 to 64 printable ASCII characters without spaces, '{' or '}'",
                validate: { prefix in
                    (1...64).contains(prefix.utf8.count)
                        && prefix.utf8.allSatisfy {
                            (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "{") && $0 != UInt8(ascii: "}")
                        }
                }
            ) {
                keyPrefix = prefix
            }
            if let maximum = try reader.validatedInt("maxPolicies", in: 1...100_000) {
                maxPolicies = maximum
            }
        }

        static func parseProxies(_ entries: [String], expected: String) throws -> [IPAddressRange] {
            let trimmed = entries.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard trimmed.count <= 256 else { throw ConfigurationError(key: "trustedProxies", expected: expected) }
            return try trimmed.map { entry in
                guard let range = IPAddressRange(entry) else {
                    throw ConfigurationError(
                        key: "trustedProxies",
                        expected: expected,
                        reason:
                            "\(RateLimitPolicy.quoted(entry)) is not an address or a CIDR block with a zero host part"
                    )
                }
                return range
            }
        }
    }
}
