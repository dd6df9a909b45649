extension RateLimiter {
    /// How a ``RateLimiter`` treats its store.
    public struct Configuration: Sendable {
        /// The longest a decision waits for the store; past it the policy's ``RateLimitFailureMode`` decides.
        /// Default: 100 ms.
        public var decisionTimeout: Duration
        /// While the store is failing, how often one decision tries it again (the others use the fallback at
        /// once, without waiting). Default: 1 s.
        public var recoveryProbeInterval: Duration
        /// How many distinct keys the "most limited keys" statistic tracks. Default: 1,000.
        public var trackedLimitedKeys: Int

        /// Creates a configuration.
        public init(
            decisionTimeout: Duration = .milliseconds(100),
            recoveryProbeInterval: Duration = .seconds(1),
            trackedLimitedKeys: Int = 1000
        ) {
            self.decisionTimeout = decisionTimeout
            self.recoveryProbeInterval = recoveryProbeInterval
            self.trackedLimitedKeys = trackedLimitedKeys
        }
    }
}
