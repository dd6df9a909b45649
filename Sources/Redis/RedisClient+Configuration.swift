extension RedisClient {
    /// How the pool connects, how many connections it keeps and how long callers wait.
    ///
    /// Its ``description`` never shows the password.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// How each connection is opened and set up (address, password, TLS, command timeout, …).
        public var connection: RedisConnection.Configuration
        /// Connections ``RedisClient/run()`` keeps open even when nobody uses them.
        public var minimumConnections: Int
        /// Connections the pool never exceeds; callers beyond it wait for a free one.
        public var maximumConnections: Int
        /// How long a caller waits for a free connection before failing: with ``RedisError/Code/timeout`` when
        /// every connection is busy, with ``RedisError/Code/connectionFailed`` when the server cannot be reached.
        public var connectionWaitTimeout: Duration
        /// The pause between attempts to connect while the server is unreachable.
        public var reconnectBackoff: RedisBackoff
        /// Discover the primary through Redis Sentinel instead of connecting to ``connection``'s host and port
        /// (its credentials, database, TLS and timeouts still apply), and follow failovers.
        public var sentinel: RedisSentinel.Configuration?

        /// Creates a configuration.
        public init(
            connection: RedisConnection.Configuration = RedisConnection.Configuration(),
            minimumConnections: Int = 1,
            maximumConnections: Int = 16,
            connectionWaitTimeout: Duration = .seconds(10),
            reconnectBackoff: RedisBackoff = RedisBackoff(),
            sentinel: RedisSentinel.Configuration? = nil
        ) {
            self.connection = connection
            self.minimumConnections = minimumConnections
            self.maximumConnections = maximumConnections
            self.connectionWaitTimeout = connectionWaitTimeout
            self.reconnectBackoff = reconnectBackoff
            self.sentinel = sentinel
        }

        /// Reads `redis://…` or `rediss://…` (see ``RedisConnection/Configuration/init(url:)``) with the pool's
        /// defaults.
        /// - Throws: ``RedisError/Code/invalidConfiguration``.
        public init(url: String) throws {
            self.init(connection: try RedisConnection.Configuration(url: url))
        }

        /// The connection's redacted description and the pool's sizes.
        public var description: String {
            let target = sentinel.map { "\($0)" } ?? "\(connection)"
            return "\(target) (connections \(minimumConnections)...\(maximumConnections))"
        }

        /// Checks that the pool can work with these values.
        /// - Throws: ``RedisError/Code/invalidConfiguration`` naming the value.
        public func validate() throws(RedisError) {
            guard minimumConnections >= 0, maximumConnections >= 1, minimumConnections <= maximumConnections else {
                throw RedisError(
                    code: .invalidConfiguration,
                    message:
                        "the pool needs 0 <= minimumConnections <= maximumConnections and maximumConnections >= 1 "
                        + "(got \(minimumConnections) and \(maximumConnections))"
                )
            }
            guard maximumConnections <= 10_000 else {
                throw RedisError(code: .invalidConfiguration, message: "maximumConnections must be at most 10000")
            }
            guard connectionWaitTimeout > .zero else {
                throw RedisError(code: .invalidConfiguration, message: "connectionWaitTimeout must be positive")
            }
            try reconnectBackoff.validate()
            try sentinel?.validate()
        }
    }

    /// A snapshot of the pool, for metrics and tests.
    public struct Statistics: Hashable, Sendable {
        /// Open connections (idle and leased).
        public var open: Int
        /// Open connections nobody holds.
        public var idle: Int
        /// Connections handed out and not yet returned.
        public var leased: Int
        /// Callers waiting for a connection.
        public var waiting: Int
        /// Connections opened since the client started (replacements included).
        public var opened: Int
        /// Failed attempts to connect since the client started.
        public var failedAttempts: Int
    }
}
