/// How a ``ConnectionPool`` sizes, times out and looks after its connections.
public struct PoolConfiguration: Sendable {
    /// Connections kept open even when idle (the maintenance loop opens them).
    public var minimum: Int = 0
    /// Connections open at most (idle, held or being opened).
    public var maximum: Int = 10
    /// Acquires allowed to wait at once; one more is refused with ``PoolError/Code/waitQueueFull``.
    public var maximumWaiters: Int = 1_000
    /// How long an acquire waits for a connection before failing with ``PoolError/Code/exhausted``.
    public var acquireTimeout: Duration = .seconds(30)
    /// How long a waiter may be passed over for a waiter behind it that runs on the returned connection's event
    /// loop (``PoolConnectionFactory/affinity(of:)``); after that it takes the next connection whatever its loop.
    /// Zero keeps the queue strictly FIFO.
    public var affinityPatience: Duration = .milliseconds(50)
    /// An idle connection above the minimum is closed after this long unused; nil keeps it.
    public var idleTimeout: Duration? = .seconds(600)
    /// A connection is closed (when idle, or when returned) once it is this old; nil keeps it forever.
    public var maximumLifetime: Duration? = .seconds(1_800)
    /// A connection idle longer than this is validated (`SELECT 1`) before it is handed out.
    public var validationThreshold: Duration = .seconds(5)
    /// How long a validation or keepalive `SELECT 1` may take; a connection that does not answer in time (a socket
    /// black-holed by a NAT) is closed.
    public var validationTimeout: Duration = .seconds(5)
    /// An idle connection unused for this long is pinged by the maintenance loop, so a NAT or
    /// `idle_session_timeout` cannot drop it unnoticed; nil turns keepalive off.
    public var keepaliveInterval: Duration? = .seconds(60)
    /// A connection held longer than this is reported once (label, file and line) and counted; nil turns leak
    /// detection off.
    public var leakThreshold: Duration? = .seconds(60)
    /// A connection held longer than this is taken back: closed (the holder's next statement fails) and replaced;
    /// nil never reclaims.
    public var leakReclaimLimit: Duration? = nil
    /// Whether a returned connection is reset (transaction rolled back, `DISCARD ALL`) before reuse.
    public var resetOnRelease: Bool = true
    /// The first pause after a failed connect; it doubles on each further failure, up to ``maximumBackoff``.
    /// While it lasts, acquires that find no idle connection fail at once with
    /// ``PoolError/Code/databaseUnavailable``.
    public var initialBackoff: Duration = .milliseconds(100)
    /// The longest pause between connect attempts.
    public var maximumBackoff: Duration = .seconds(5)
    /// How often the maintenance loop runs (minimum size, idle timeout, lifetime, keepalive, leak sweep).
    public var maintenanceInterval: Duration = .seconds(1)
    /// How long a statement that was cancelled on the server gets to end before its connection is closed.
    public var cancelGracePeriod: Duration = .seconds(5)

    /// Creates a configuration with the defaults (0 to 10 connections, 30 s acquire timeout).
    public init() {}

    /// Checks the sizes and durations.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` naming the setting.
    public func validate() throws {
        try Self.checkSizes(minimum: minimum, maximum: maximum)
        guard maximumWaiters >= 0 else { throw PoolError(.invalidConfiguration, "maximumWaiters must be >= 0") }
        guard acquireTimeout > .zero else { throw PoolError(.invalidConfiguration, "acquireTimeout must be > 0") }
        guard affinityPatience >= .zero else {
            throw PoolError(.invalidConfiguration, "affinityPatience must be >= 0")
        }
        guard validationTimeout > .zero else {
            throw PoolError(.invalidConfiguration, "validationTimeout must be > 0")
        }
        guard maintenanceInterval > .zero else {
            throw PoolError(.invalidConfiguration, "maintenanceInterval must be > 0")
        }
        if let leakThreshold, let leakReclaimLimit, leakReclaimLimit < leakThreshold {
            throw PoolError(.invalidConfiguration, "leakReclaimLimit must be >= leakThreshold")
        }
    }

    static func checkSizes(minimum: Int, maximum: Int) throws {
        guard minimum >= 0 else { throw PoolError(.invalidConfiguration, "minimum must be >= 0") }
        guard maximum >= 1 else { throw PoolError(.invalidConfiguration, "maximum must be >= 1") }
        guard minimum <= maximum else {
            throw PoolError(.invalidConfiguration, "minimum (\(minimum)) must be <= maximum (\(maximum))")
        }
    }
}

extension PoolConfiguration {
    /// The settings a running pool never changes, read without its lock. The ones that do change live
    /// (``minimum``, ``maximum``, ``acquireTimeout``, ``leakThreshold`` and the rest of the state's copy) are not
    /// here, so no reader can take a stale value of them from this one.
    struct Fixed: Sendable {
        let validationThreshold: Duration
        let validationTimeout: Duration
        let resetOnRelease: Bool
        let maintenanceInterval: Duration
        let cancelGracePeriod: Duration

        init(_ configuration: PoolConfiguration) {
            validationThreshold = configuration.validationThreshold
            validationTimeout = configuration.validationTimeout
            resetOnRelease = configuration.resetOnRelease
            maintenanceInterval = configuration.maintenanceInterval
            cancelGracePeriod = configuration.cancelGracePeriod
        }
    }
}
