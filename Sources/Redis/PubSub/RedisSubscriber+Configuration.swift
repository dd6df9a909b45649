extension RedisSubscriber {
    /// How a subscriber connects, reconnects and buffers.
    public struct Configuration: Sendable {
        /// The server and the connection's setup. Its ``RedisConnection/Configuration/commandTimeout`` bounds each
        /// `SUBSCRIBE` and health-check `PING`; when one times out the connection is replaced.
        public var connection: RedisConnection.Configuration
        /// The pauses between reconnection attempts (with jitter), from the first failure on.
        public var backoff: RedisBackoff
        /// The buffer of each subscription that does not pass its own.
        public var bufferPolicy: RedisSubscription.BufferPolicy
        /// How long `subscribe` waits for the server's confirmation, including waiting for a connection while the
        /// server is unreachable; `nil` waits until it comes (or the task is cancelled).
        public var subscribeTimeout: Duration?
        /// How often an idle connection is checked with `PING` (a connection that silently died, without a reset,
        /// is otherwise noticed only by the operating system's TCP timeouts); `nil` disables the check.
        public var healthCheckInterval: Duration?

        /// Creates a configuration.
        /// - Parameters:
        ///   - connection: The server and the connection's setup.
        ///   - backoff: The pauses between reconnection attempts; by default 100 ms doubling up to 10 s.
        ///   - bufferPolicy: Each subscription's buffer; by default the newest 1,024 messages are kept.
        ///   - subscribeTimeout: How long `subscribe` waits for the server; 30 s by default.
        ///   - healthCheckInterval: How often to `PING`; 30 s by default.
        public init(
            connection: RedisConnection.Configuration,
            backoff: RedisBackoff = RedisBackoff(),
            bufferPolicy: RedisSubscription.BufferPolicy = .dropOldest(limit: 1024),
            subscribeTimeout: Duration? = .seconds(30),
            healthCheckInterval: Duration? = .seconds(30)
        ) {
            self.connection = connection
            self.backoff = backoff
            self.bufferPolicy = bufferPolicy
            self.subscribeTimeout = subscribeTimeout
            self.healthCheckInterval = healthCheckInterval
        }

        /// Checks that the configuration can be used.
        /// - Throws: ``RedisError/Code/invalidConfiguration`` for a bad backoff or buffer limit, or a timeout or
        ///   interval that is not positive.
        public func validate() throws(RedisError) {
            try backoff.validate()
            try bufferPolicy.validate()
            if let subscribeTimeout, subscribeTimeout <= .zero {
                throw RedisError(code: .invalidConfiguration, message: "subscribeTimeout must be positive")
            }
            if let healthCheckInterval, healthCheckInterval <= .zero {
                throw RedisError(code: .invalidConfiguration, message: "healthCheckInterval must be positive")
            }
        }
    }
}
