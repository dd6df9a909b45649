extension ResponseCache {
    /// The cache's sizes, bounds and timings.
    public struct Configuration: Sendable, Hashable {
        /// The in-process tier's budget in bytes (values, keys, tags and bookkeeping together).
        public var memoryBudget: Int
        /// While this instance has not heard the backplane for longer than this, an in-process entry is served only
        /// within this long of the call that loaded or checked it: the bound on serving something invalidated
        /// elsewhere through an outage. It is also the bound when the backplane works but a message is lost.
        public var backplaneLease: Duration
        /// How often this instance proves that it hears the backplane (a heartbeat through it). Well under
        /// ``backplaneLease``.
        public var heartbeatInterval: Duration
        /// The longest a call to the shared tier may take before the cache goes on without it.
        public var storeTimeout: Duration
        /// After a shared-tier failure, how long the cache goes on without it before trying again (no request waits
        /// on a tier known to be down); a heartbeat that succeeds ends it early.
        public var storeRetryInterval: Duration
        /// How long the cross-instance fill lock lives (the most one instance's origin call holds off the others').
        public var lockLifetime: Duration
        /// How long an instance that finds the fill lock taken waits for the holder's value before calling the
        /// origin itself.
        public var lockWait: Duration
        /// The most callers that wait on one key's origin call; one more is refused with
        /// ``ResponseCacheError/Code/tooManyWaiters``.
        public var maximumWaiters: Int
        /// How long a key whose origin answer was uncacheable is passed to the origin without queueing.
        public var passDuration: Duration
        /// After an origin failure answered with a stale value, how long that stale value is served without asking
        /// the origin again (FusionCache's fail-safe throttle).
        public var failSafeThrottle: Duration
        /// The longest any entry lives in the shared tier (its options are capped to it); invalidation markers live
        /// this long, so no entry outlives the marker that invalidates it.
        public var maximumEntryLifetime: Duration
        /// The most invalidations made while the shared tier was down that are kept to be recorded when it is back;
        /// past it, one "everything" invalidation replaces them.
        public var maximumPendingInvalidations: Int

        /// The defaults: 64 MiB in process, a 1 s lease with 200 ms heartbeats, a 250 ms store timeout.
        public init(
            memoryBudget: Int = 64 << 20,
            backplaneLease: Duration = .seconds(1),
            heartbeatInterval: Duration = .milliseconds(200),
            storeTimeout: Duration = .milliseconds(250),
            storeRetryInterval: Duration = .seconds(1),
            lockLifetime: Duration = .seconds(10),
            lockWait: Duration = .seconds(10),
            maximumWaiters: Int = 10_000,
            passDuration: Duration = .seconds(10),
            failSafeThrottle: Duration = .seconds(1),
            maximumEntryLifetime: Duration = .seconds(86_400),
            maximumPendingInvalidations: Int = 10_000
        ) {
            self.memoryBudget = memoryBudget
            self.backplaneLease = backplaneLease
            self.heartbeatInterval = heartbeatInterval
            self.storeTimeout = storeTimeout
            self.storeRetryInterval = storeRetryInterval
            self.lockLifetime = lockLifetime
            self.lockWait = lockWait
            self.maximumWaiters = maximumWaiters
            self.passDuration = passDuration
            self.failSafeThrottle = failSafeThrottle
            self.maximumEntryLifetime = maximumEntryLifetime
            self.maximumPendingInvalidations = maximumPendingInvalidations
        }

        /// Checks every bound.
        /// - Throws: ``ResponseCacheError`` with code ``ResponseCacheError/Code/invalidConfiguration``.
        public func validate() throws(ResponseCacheError) {
            guard memoryBudget >= 0 else {
                throw ResponseCacheError(.invalidConfiguration, "memoryBudget must not be negative")
            }
            for (name, value) in [
                ("backplaneLease", backplaneLease), ("heartbeatInterval", heartbeatInterval),
                ("storeTimeout", storeTimeout), ("storeRetryInterval", storeRetryInterval),
                ("lockLifetime", lockLifetime), ("lockWait", lockWait), ("passDuration", passDuration),
                ("failSafeThrottle", failSafeThrottle), ("maximumEntryLifetime", maximumEntryLifetime),
            ] where value <= .zero {
                throw ResponseCacheError(.invalidConfiguration, "\(name) must be positive (it is \(value))")
            }
            guard heartbeatInterval < backplaneLease else {
                throw ResponseCacheError(
                    .invalidConfiguration,
                    "heartbeatInterval (\(heartbeatInterval)) must be shorter than backplaneLease (\(backplaneLease))"
                )
            }
            guard maximumWaiters > 0, maximumPendingInvalidations > 0 else {
                throw ResponseCacheError(
                    .invalidConfiguration,
                    "maximumWaiters and maximumPendingInvalidations must be positive"
                )
            }
        }
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
