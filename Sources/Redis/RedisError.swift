import Foundation

/// The error every `Redis` API throws.
///
/// A server's error reply (``Code/serverError``, with the server's own code such as `WRONGTYPE` in ``reply``) is
/// distinct from a ``Code/timeout``, a connection failure or close and a ``Code/protocolError``.
///
/// The ``description`` never holds a password: messages name commands by their first word only, never their
/// arguments, and a URL only in its redacted form.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case serverError
            case timeout
            case connectionFailed
            case connectionClosed
            case protocolError
            case unexpectedReply
            case invalidConfiguration
            case primaryNotFound
            case notPrimary
        }
        private let base: Base

        /// The server answered with an error reply; see ``RedisError/reply``.
        public static let serverError = Code(base: .serverError)
        /// The command got no reply within its timeout (the connection is then closed).
        public static let timeout = Code(base: .timeout)
        /// The server could not be reached, or the connection broke.
        public static let connectionFailed = Code(base: .connectionFailed)
        /// The connection was closed (by us or by the server) before the reply arrived.
        public static let connectionClosed = Code(base: .connectionClosed)
        /// The server sent bytes that are not valid RESP, or exceeded a parser limit.
        public static let protocolError = Code(base: .protocolError)
        /// The reply was valid RESP but not of the type the command returns.
        public static let unexpectedReply = Code(base: .unexpectedReply)
        /// A configuration or URL that cannot be used.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// The sentinels that answered know no primary by the name asked for (a wrong name, or sentinels not yet
        /// configured for it).
        public static let primaryNotFound = Code(base: .primaryNotFound)
        /// A node that should be the primary is not (or no longer) one: it answered `ROLE` as a replica, as during a
        /// failover. See ``RedisError/isPrimaryLost``.
        public static let notPrimary = Code(base: .notPrimary)

        /// The code's name, such as `serverError`.
        public var description: String {
            switch base {
            case .serverError: "serverError"
            case .timeout: "timeout"
            case .connectionFailed: "connectionFailed"
            case .connectionClosed: "connectionClosed"
            case .protocolError: "protocolError"
            case .unexpectedReply: "unexpectedReply"
            case .invalidConfiguration: "invalidConfiguration"
            case .primaryNotFound: "primaryNotFound"
            case .notPrimary: "notPrimary"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A readable explanation, free of passwords.
    public var message: String
    /// The server's error reply, for ``Code/serverError``.
    public var reply: RESPValue.ErrorReply?
    /// The underlying error (a socket error), if any.
    public var underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: A readable explanation; it must not hold a password.
    ///   - reply: The server's error reply, for ``Code/serverError``.
    ///   - underlying: The underlying error, if any.
    public init(code: Code, message: String, reply: RESPValue.ErrorReply? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.reply = reply
        self.underlying = underlying
    }

    /// The server's error code (`WRONGTYPE`, `NOAUTH`), for ``Code/serverError``.
    public var serverCode: String? { reply?.code }

    /// `RedisError.<code>: <message>`.
    public var description: String { "RedisError.\(code): \(message)" }

    static func server(_ reply: RESPValue.ErrorReply, command: String) -> RedisError {
        // Redis echoes the arguments of an unknown command ("…, with args beginning with: 'secret'"): keep them out.
        var reply = reply
        if let range = reply.message.range(of: ", with args beginning with:") {
            reply.message = String(reply.message[..<range.lowerBound])
        }
        if reply.code == "MOVED" || reply.code == "ASK" {
            return RedisError(
                code: .serverError,
                message:
                    "\(command): \(reply): the server is part of a Redis Cluster and the key lives on another node; "
                    + "Redis Cluster is not supported yet",
                reply: reply
            )
        }
        return RedisError(code: .serverError, message: "\(command): \(reply)", reply: reply)
    }

    static func protocolViolation(_ message: String) -> RedisError {
        RedisError(code: .protocolError, message: message)
    }

    static func unexpected(_ value: RESPValue, command: String) -> RedisError {
        RedisError(code: .unexpectedReply, message: "\(command): unexpected reply of type \(value.typeName)")
    }
}

extension RESPValue {
    /// The RESP type's name, for error messages (never the value, which may be secret).
    var typeName: String {
        switch self {
        case .simpleString: "simple string"
        case .error: "error"
        case .integer: "integer"
        case .bulkString: "bulk string"
        case .nullBulkString: "null bulk string"
        case .array: "array"
        case .nullArray: "null array"
        case .null: "null"
        case .double: "double"
        case .boolean: "boolean"
        case .bigNumber: "big number"
        case .verbatimString: "verbatim string"
        case .map: "map"
        case .set: "set"
        case .push: "push"
        case .attributed(_, let value): value.typeName
        }
    }
}
