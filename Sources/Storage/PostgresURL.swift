import Foundation
import NIOSSL
public import PostgresNIO

/// A parsed `postgres://` (or `postgresql://`) URL.
///
/// Accepted form: `postgres://user[:password]@host[:port][/database][?sslmode=disable|prefer|require|verify-full]`, where the
/// user, password and database may be percent-encoded and an IPv6 host is written in brackets (`[::1]`). The port
/// defaults to 5432, the database to the user's name and `sslmode` to `prefer`. Any other query parameter is an
/// error naming it.
///
/// The modes mean what they mean to libpq: `prefer` (the default) and `require` encrypt without checking the
/// server's certificate (so a stock Debian server with its self-signed certificate works), `verify-full` checks
/// the chain against the system's trust roots and the host name.
///
/// Its ``description`` is ``redacted``: the password never reaches logs or errors.
public struct PostgresURL: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Whether the connection uses TLS.
    public struct SSLMode: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case disable, prefer, require, verifyFull }
        private let base: Base

        private init(base: Base) { self.base = base }

        /// Never use TLS.
        public static let disable = SSLMode(base: .disable)
        /// Use TLS when the server offers it (the default).
        public static let prefer = SSLMode(base: .prefer)
        /// Fail unless the connection uses TLS (the certificate is not checked).
        public static let require = SSLMode(base: .require)
        /// Fail unless the connection uses TLS with a certificate trusted by the system for this host name.
        public static let verifyFull = SSLMode(base: .verifyFull)

        /// The mode as written in a URL (`require`).
        public var description: String {
            switch base {
            case .disable: "disable"
            case .prefer: "prefer"
            case .require: "require"
            case .verifyFull: "verify-full"
            }
        }

        init?(_ text: String) {
            switch text {
            case "disable": self = .disable
            case "prefer": self = .prefer
            case "require": self = .require
            case "verify-full": self = .verifyFull
            default: return nil
            }
        }
    }

    /// The user to log in as.
    public var username: String
    /// The password, if any. It appears in no description.
    public var password: String?
    /// The server's host name or IP address (an IPv6 address without brackets).
    public var host: String
    /// The server's port.
    public var port: Int
    /// The database to use.
    public var database: String
    /// Whether to use TLS.
    public var sslMode: SSLMode

    /// Creates a URL from its parts.
    /// - Parameters:
    ///   - username: The user to log in as.
    ///   - password: The password, if any.
    ///   - host: The server's host name or IP address.
    ///   - port: The server's port.
    ///   - database: The database; defaults to the user's name.
    ///   - sslMode: Whether to use TLS.
    public init(
        username: String,
        password: String? = nil,
        host: String,
        port: Int = 5432,
        database: String? = nil,
        sslMode: SSLMode = .prefer
    ) {
        self.username = username
        self.password = password
        self.host = host
        self.port = port
        self.database = database ?? username
        self.sslMode = sslMode
    }

    /// Parses a URL string.
    /// - Parameter string: `postgres://user[:password]@host[:port][/database][?sslmode=…]`.
    /// - Throws: `StorageError` with code `invalidURL`, naming the part or key that is wrong (and never echoing
    ///   the URL, which may hold a password).
    public init(_ string: String) throws {
        self = try PostgresURLParser.parse(string)
    }

    /// The URL with the password masked: `postgres://user:***@host:port/database` (no `:***` without a password).
    public var redacted: String {
        let user = Self.encode(username) + (password == nil ? "" : ":***")
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let query = sslMode == .prefer ? "" : "?sslmode=\(sslMode)"
        return "postgres://\(user)@\(hostPart):\(port)/\(Self.encode(database))\(query)"
    }

    /// The full URL, password included: for handing to a child process, never for logs.
    public var unredacted: String {
        let user = Self.encode(username) + (password.map { ":" + Self.encode($0) } ?? "")
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostPart):\(port)/\(Self.encode(database))?sslmode=\(sslMode)"
    }

    /// The ``redacted`` form.
    public var description: String { redacted }
    /// The ``redacted`` form.
    public var debugDescription: String { redacted }
    /// A mirror that shows the ``redacted`` form only, so `dump` cannot reveal the password.
    public var customMirror: Mirror { Mirror(self, children: ["url": redacted], displayStyle: .struct) }

    /// The PostgresNIO client configuration for this URL.
    public var clientConfiguration: PostgresClient.Configuration {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .require: .require(unverified)
            case .verifyFull: .require(.makeClientConfiguration())
            default: .prefer(unverified)
            }
        return PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
    }

    /// The PostgresNIO connection configuration for this URL (what the pool's connections use).
    /// - Throws: When the TLS context cannot be built.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .require: .require(try NIOSSLContext(configuration: unverified))
            case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: .prefer(try NIOSSLContext(configuration: unverified))
            }
        return PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
    }

    private static func encode(_ part: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return part.addingPercentEncoding(withAllowedCharacters: allowed) ?? part
    }
}
