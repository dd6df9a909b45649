extension RedisSentinel {
    /// A server's host and TCP port: a sentinel's, or the primary's as the sentinels name it.
    public struct Address: Hashable, Sendable, CustomStringConvertible {
        /// The host name or IP address.
        public var host: String
        /// The TCP port.
        public var port: Int

        /// Creates an address.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, or `[host]:port` for an IPv6 address.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Where the sentinels are, which primary to ask them for, and how to talk to them.
    ///
    /// The credentials here are the sentinels' own (their `requirepass` or an ACL user defined on them), distinct from
    /// the data nodes' credentials, which come with the ``RedisConnection/Configuration`` given to
    /// ``RedisSentinel/connectToPrimary(configuration:)``. Its ``description`` never shows the password.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The sentinels, in the order they are asked first (the one that answers moves to the front).
        public var sentinels: [Address]
        /// The name the sentinels monitor the primary under (`sentinel monitor <name> …`).
        public var primaryName: String
        /// The ACL user to authenticate to the sentinels with; `nil` for the default user.
        public var username: String?
        /// The sentinels' password; `nil` when they need none.
        public var password: String?
        /// How long connecting to one sentinel, and each of its replies, may take before that sentinel is skipped.
        public var timeout: Duration
        /// The name the sentinel connections set with `CLIENT SETNAME`, if any (shows in the sentinels' `CLIENT LIST`).
        public var clientName: String?
        /// How long the connection that watches for failovers may stay silent before it sends `PING`; when the
        /// sentinel stays silent for as long again, the connection is dropped and another sentinel is watched.
        public var healthCheckInterval: Duration

        /// Creates a configuration.
        /// - Parameters:
        ///   - sentinels: The sentinels' addresses (at least one).
        ///   - primaryName: The name the sentinels monitor the primary under.
        ///   - username: The sentinels' ACL user, if any.
        ///   - password: The sentinels' password, if any.
        ///   - timeout: The time allowed to connect to one sentinel and for each of its replies.
        ///   - clientName: The `CLIENT SETNAME` of the sentinel connections.
        ///   - healthCheckInterval: The silence after which the watching connection is checked with `PING`.
        public init(
            sentinels: [Address],
            primaryName: String,
            username: String? = nil,
            password: String? = nil,
            timeout: Duration = .seconds(1),
            clientName: String? = nil,
            healthCheckInterval: Duration = .seconds(5)
        ) {
            self.sentinels = sentinels
            self.primaryName = primaryName
            self.username = username
            self.password = password
            self.timeout = timeout
            self.clientName = clientName
            self.healthCheckInterval = healthCheckInterval
        }

        /// Checks that the configuration can be used.
        /// - Throws: ``RedisError/Code/invalidConfiguration`` naming the field: no sentinels, a port outside
        ///   1...65535, an empty host or primary name, a timeout or health check interval that is not positive.
        public func validate() throws(RedisError) {
            guard !sentinels.isEmpty else {
                throw RedisError(code: .invalidConfiguration, message: "sentinels: at least one sentinel is needed")
            }
            for sentinel in sentinels {
                guard !sentinel.host.isEmpty, (1...65535).contains(sentinel.port) else {
                    throw RedisError(
                        code: .invalidConfiguration,
                        message: "sentinels: \(sentinel) needs a host and a port between 1 and 65535"
                    )
                }
            }
            guard !primaryName.isEmpty, !primaryName.contains(where: \.isWhitespace) else {
                throw RedisError(
                    code: .invalidConfiguration,
                    message: "primaryName: the name must be non-empty, without spaces"
                )
            }
            guard timeout > .zero else {
                throw RedisError(code: .invalidConfiguration, message: "timeout: it must be positive")
            }
            guard healthCheckInterval > .zero else {
                throw RedisError(code: .invalidConfiguration, message: "healthCheckInterval: it must be positive")
            }
        }

        /// The sentinels, the primary's name and the user, with the password shown as `***`.
        public var description: String {
            var userInfo = username ?? ""
            if password != nil { userInfo += ":***" }
            if !userInfo.isEmpty { userInfo += "@" }
            let addresses = sentinels.map(\.description).joined(separator: ",")
            return "redis-sentinel://\(userInfo)\(addresses)/\(primaryName)"
        }

        /// The configuration of a connection that asks one sentinel.
        func connection(to sentinel: Address) -> RedisConnection.Configuration {
            RedisConnection.Configuration(
                host: sentinel.host,
                port: sentinel.port,
                username: username,
                password: password,
                clientName: clientName,
                commandTimeout: timeout,
                connectTimeout: timeout
            )
        }
    }
}
