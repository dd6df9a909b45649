/// The pool's counts at one instant, for metrics and the API (`GET /v1/pool`).
public struct PoolSnapshot: Sendable, Hashable, Codable {
    /// A connection held longer than the leak threshold.
    public struct Leak: Sendable, Hashable, Codable {
        /// The holder's label (`withConnection(label:)`).
        public var label: String
        /// Where it was acquired (`#fileID`).
        public var file: String
        /// Where it was acquired (`#line`).
        public var line: Int
        /// How long it has been held, in milliseconds.
        public var heldMilliseconds: Int64
    }

    /// The configured minimum.
    public var minimum: Int
    /// The configured maximum.
    public var maximum: Int
    /// Connections open or being opened (idle + in use + opening + being checked).
    public var total: Int
    /// Connections ready to hand out.
    public var idle: Int
    /// Connections held by callers.
    public var inUse: Int
    /// Connections being opened.
    public var opening: Int
    /// Acquires waiting for a connection.
    public var waiting: Int
    /// Connections opened outside the pool for long sessions (a `LISTEN`), not counted in ``total``.
    public var dedicated: Int
    /// Acquires served since the pool started.
    public var acquired: Int
    /// Acquires that failed on the acquire timeout.
    public var timeouts: Int
    /// Acquires refused because the wait queue was full.
    public var rejected: Int
    /// Connections reported as leaked (each once).
    public var leaks: Int
    /// Leaked connections taken back after the hard limit.
    public var reclaimed: Int
    /// Statements cancelled on the server after their query timeout.
    public var queryTimeouts: Int
    /// Connections opened.
    public var connectionsOpened: Int
    /// Connections closed (idle timeout, lifetime, shrink, broken, reclaimed).
    public var connectionsClosed: Int
    /// Keepalive pings sent to idle connections.
    public var keepalives: Int
    /// Failed connects, failed validations and failed resets.
    public var connectionErrors: Int
    /// Calls to ``ConnectionPool/resize(minimum:maximum:)`` that changed a limit.
    public var sizeChanges: Int
    /// The connections currently held longer than the leak threshold.
    public var currentLeaks: [Leak]
}
