/// What the pool did during one window (the time between two decisions) and its counts at the window's end: what
/// ``AutoscalerPolicy`` decides from.
public struct AutoscalerWindow: Sendable, Hashable {
    /// How long the window lasted.
    public var length: Duration
    /// The 95th percentile of the waits of acquires that got a connection or timed out (nil: none did).
    public var p95Wait: Duration?
    /// Acquires that got a connection.
    public var acquisitions: Int = 0
    /// Acquires that failed because the pool was full (timed out, or refused by a full wait queue).
    public var exhausted: Int = 0
    /// The mean time a connection was held, of those given back in the window (nil: none was): the proxy for query
    /// latency.
    public var holdMean: Duration?
    /// The held time of every connection given back, added up, over the window's length: how many connections were
    /// in use on average.
    public var averageInUse: Double = 0
    /// Connects the server refused with SQLSTATE 53300 (too many connections).
    public var tooManyConnections: Int = 0
    /// Other failed connects.
    public var connectFailures: Int = 0
    /// Acquires waiting at the window's end.
    public var waiting: Int = 0
    /// Connections held at the window's end.
    public var inUse: Int = 0
    /// Connections open or being opened at the window's end.
    public var total: Int = 0
    /// The pool's maximum at the window's end.
    public var maximum: Int

    /// Creates a window; counts not given are zero.
    /// - Parameters:
    ///   - length: How long it lasted.
    ///   - maximum: The pool's maximum at its end.
    public init(length: Duration, maximum: Int) {
        self.length = length
        self.maximum = maximum
    }
}
