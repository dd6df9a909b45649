/// Told what the pool does as it does it, as HikariCP's metrics tracker is: the server's metrics and the
/// autoscaler watch the pool through one (``ConnectionPool/addObserver(_:)``).
///
/// Calls come from the tasks that acquire, release and connect, outside the pool's lock; keep them short (record
/// a number, bump a counter) and never call back into the pool from one.
public protocol PoolObserver: Sendable {
    /// A caller got a connection after waiting `wait` (queueing, opening and validation included).
    func acquired(wait: Duration)

    /// A caller's acquire failed (``PoolError/Code/exhausted``, ``PoolError/Code/waitQueueFull``,
    /// ``PoolError/Code/databaseUnavailable``, ``PoolError/Code/shutDown``) after waiting `wait`.
    func acquireFailed(_ error: PoolError, wait: Duration)

    /// A caller gave back a connection it held for `held`.
    func released(held: Duration)

    /// Opening a connection failed with `error` (the server refused it: `53300`, too many connections; or it is
    /// unreachable).
    func connectFailed(_ error: any Error)
}

extension PoolObserver {
    /// Does nothing.
    public func acquired(wait: Duration) {}
    /// Does nothing.
    public func acquireFailed(_ error: PoolError, wait: Duration) {}
    /// Does nothing.
    public func released(held: Duration) {}
    /// Does nothing.
    public func connectFailed(_ error: any Error) {}
}
