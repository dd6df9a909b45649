public import Configuration
import Platform

extension ResponseCacheSystem {
    /// The cache's settings in `mastery serve`, under `cache.`.
    public struct Configuration: Sendable {
        /// Where the shared tier lives.
        public enum Store: String, Sendable {
            /// In process only (one instance).
            case memory
            /// Redis, with invalidations heard through its pub/sub (many instances).
            case redis
        }

        /// `cache.store`: `memory` or `redis` (default: `redis` when the server has a Redis tier).
        public var store: Store?
        /// `cache.memoryBudget`: the in-process tier's bytes (default 64 MiB).
        public var memoryBudget = 64 << 20
        /// `cache.backplaneLease`: seconds an in-process entry may be served without hearing the backplane (default 1).
        public var backplaneLease: Duration = .seconds(1)
        /// `cache.storeTimeout`: seconds a Redis call may take before the cache goes on without it (default 0.25).
        public var storeTimeout: Duration = .milliseconds(250)
        /// `cache.keyPrefix`: the prefix of every Redis key (default `mastery:cache:`).
        public var keyPrefix = "mastery:cache:"

        /// `cache.edge`: whether fresh hits of the demo's public reads are answered on the event loop, before
        /// routing (``ResponseCacheEdge``; default `true`). Such hits skip the request log and HTTP metrics, as a
        /// proxy cache's would; `false` routes every request through the middleware.
        public var edge = true

        /// `cache.demo.maxAge`: the demo products' `max-age` in seconds (default 60; 1 shows stale-if-error and
        /// revalidation within a second, as the fault tests do).
        public var demoMaxAge = 60
        /// `cache.demo.originDelay`: seconds the demo waits between reading a product and answering (default 0; up
        /// to 10), to watch a slow origin call that read before a write store nothing after it.
        public var demoOriginDelay: Duration = .zero

        /// The defaults.
        public init() {}

        /// Reads the `cache.` keys.
        /// - Throws: ``ConfigurationError`` naming a key whose value is invalid.
        public init(reader: ConfigReader) throws {
            self.init()
            if let store = try reader.validatedChoice("store", in: ["memory", "redis"]) {
                self.store = Store(rawValue: store)
            }
            if let budget = try reader.validatedInt("memoryBudget", in: 0...(1 << 40)) { memoryBudget = budget }
            if let lease = try reader.validatedDuration("backplaneLease", in: 0.1...60) { backplaneLease = lease }
            if let timeout = try reader.validatedDuration("storeTimeout", in: 0.01...30) { storeTimeout = timeout }
            if let edge = try reader.validatedBool("edge") { self.edge = edge }
            if let maxAge = try reader.validatedInt("demo.maxAge", in: 1...86_400) { demoMaxAge = maxAge }
            if let delay = try reader.validatedDuration("demo.originDelay", in: 0...10) { demoOriginDelay = delay }
            if let prefix = try reader.validatedString(
                "keyPrefix",
                expected: "1 to 128 printable characters without spaces",
                validate: { !$0.isEmpty && $0.utf8.count <= 128 && $0.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
            ) {
                keyPrefix = prefix
            }
        }
    }
}
