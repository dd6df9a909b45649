import Foundation

extension RedisConnection {
    /// How to reach and set up one connection.
    ///
    /// Its ``description`` never shows the password.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The server's host name or address.
        public var host: String
        /// The server's TCP port.
        public var port: Int
        /// The ACL user for `AUTH`/`HELLO … AUTH`; `nil` for the default user.
        public var username: String?
        /// The password; `nil` to skip authentication.
        public var password: String?
        /// The database `SELECT`ed after connecting (0 skips `SELECT`).
        public var database: Int
        /// The name set with `CLIENT SETNAME`, if any.
        public var clientName: String?
        /// The protocol to negotiate.
        public var protocolVersion: ProtocolVersion
        /// How long each command may wait for its reply before it fails with ``RedisError/Code/timeout`` and the
        /// connection closes; `nil` waits forever.
        public var commandTimeout: Duration?
        /// How long establishing the connection may take: the TCP connection and, with ``tls``, the TLS handshake
        /// (certificate verification included), together. Reading certificate files comes before and is not counted.
        public var connectTimeout: Duration
        /// The reply parser's limits.
        public var parser: RESPParser.Configuration
        /// TLS settings; `nil` (the default) for a plain TCP connection. `rediss://` URLs set ``TLS`` defaults: the
        /// system's CAs and full verification against the host name.
        public var tls: TLS?
        /// Called on the connection's event loop for every RESP3 push message (invalidations, pub/sub); keep it
        /// short. Push messages are dropped when it is `nil`.
        public var onPush: (@Sendable (RESPValue) -> Void)?

        /// Creates a configuration; everything but the address has a default.
        public init(
            host: String = "127.0.0.1",
            port: Int = 6379,
            username: String? = nil,
            password: String? = nil,
            database: Int = 0,
            clientName: String? = nil,
            protocolVersion: ProtocolVersion = .resp3,
            commandTimeout: Duration? = .seconds(30),
            connectTimeout: Duration = .seconds(10),
            parser: RESPParser.Configuration = RESPParser.Configuration(),
            tls: TLS? = nil
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.clientName = clientName
            self.protocolVersion = protocolVersion
            self.commandTimeout = commandTimeout
            self.connectTimeout = connectTimeout
            self.parser = parser
            self.tls = tls
        }

        /// Reads `redis://[[user]:password@]host[:port][/database]`, or `rediss://…` for TLS with the default
        /// ``TLS`` settings (the system's CAs, full verification against the host); set ``tls`` afterwards to trust
        /// other CAs or present a client certificate. The port defaults to 6379 for both.
        /// - Throws: ``RedisError`` with code ``RedisError/Code/invalidConfiguration`` (the message never echoes
        ///   the URL, which may hold a password).
        public init(url: String) throws {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
                throw RedisError(code: .invalidConfiguration, message: "not a redis://host[:port][/db] URL")
            }
            guard scheme == "redis" || scheme == "rediss" else {
                throw RedisError(code: .invalidConfiguration, message: "the scheme must be redis or rediss")
            }
            guard let host = components.host, !host.isEmpty else {
                throw RedisError(code: .invalidConfiguration, message: "the URL has no host")
            }
            let port = components.port ?? 6379
            guard (1...65535).contains(port) else {
                throw RedisError(code: .invalidConfiguration, message: "the port must be between 1 and 65535")
            }
            var database = 0
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else {
                    throw RedisError(code: .invalidConfiguration, message: "the path must be a database number")
                }
                database = number
            }
            self.init(host: host, port: port, database: database, tls: scheme == "rediss" ? TLS() : nil)
            self.username = components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
            self.password = components.password?.removingPercentEncoding
        }

        /// The address and user as a URL (`rediss://` with TLS), with the password shown as `***`.
        public var description: String {
            var userInfo = username ?? ""
            if password != nil { userInfo += ":***" }
            if !userInfo.isEmpty { userInfo += "@" }
            return "\(tls == nil ? "redis" : "rediss")://\(userInfo)\(host):\(port)/\(database)"
        }
    }

    /// The RESP version to speak.
    public struct ProtocolVersion: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case resp2, resp3 }
        private let base: Base

        /// RESP2: no `HELLO`; authentication with `AUTH`.
        public static let resp2 = ProtocolVersion(base: .resp2)
        /// RESP3 through `HELLO 3`, falling back to RESP2 when the server does not know `HELLO`.
        public static let resp3 = ProtocolVersion(base: .resp3)

        /// `RESP2` or `RESP3`.
        public var description: String { base == .resp2 ? "RESP2" : "RESP3" }
    }
}
