/// Why a pool operation failed.
///
/// The ``message`` is for people: it names the pool's state (holders, waiters, limits) and, for a connection
/// failure, the server's message or the kind of network error, but never a password, a URL or SQL text.
public struct PoolError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case exhausted, waitQueueFull, databaseUnavailable, queryTimeout, connectionBroken, shutDown
            case invalidConfiguration
        }
        private let base: Base
        private init(base: Base) { self.base = base }

        /// No connection became free within the acquire timeout: every connection up to the maximum was held.
        public static let exhausted = Code(base: .exhausted)
        /// The wait queue was at its bound, so the acquire was refused at once.
        public static let waitQueueFull = Code(base: .waitQueueFull)
        /// The pool could not open a connection (the database is down or refuses us); acquires fail fast until the
        /// back-off ends.
        public static let databaseUnavailable = Code(base: .databaseUnavailable)
        /// A statement ran longer than its timeout and was cancelled on the server.
        public static let queryTimeout = Code(base: .queryTimeout)
        /// The connection broke while it was held (it has been closed and will be replaced).
        public static let connectionBroken = Code(base: .connectionBroken)
        /// The pool is not running (its service has not started or has stopped).
        public static let shutDown = Code(base: .shutDown)
        /// A size or duration is out of range.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)

        /// The code's name (`exhausted`).
        public var description: String { "\(base)" }
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, for people (never a password, a URL or SQL).
    public var message: String
    /// The error underneath, when there is one (a connection failure).
    public var underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure.
    ///   - message: What happened, without secrets.
    ///   - underlying: The error underneath.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `pool <code>: <message>`.
    public var description: String { "pool \(code): \(message)" }
}
