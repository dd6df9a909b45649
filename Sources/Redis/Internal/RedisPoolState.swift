import NIOCore

/// The pool's bookkeeping: a plain value, changed only under ``RedisClient``'s mutex. It decides; the client acts
/// (resumes continuations, closes connections) after the lock is released.
struct RedisPoolState: Sendable {
    struct Waiter: Sendable {
        var id: UInt64
        var continuation: CheckedContinuation<RedisConnection, any Error>
        var timer: Scheduled<Void>
    }

    enum Lifecycle: Sendable {
        case notStarted
        case running
        case shutDown
    }

    /// Every connection that is open and counts against the maximum (idle and leased), with the primary
    /// generation it was opened in.
    private(set) var open: [ObjectIdentifier: UInt64] = [:]
    /// Bumped when Sentinel reports a failover: connections of older generations go to the old primary and are
    /// retired (closed when idle, discarded when returned).
    private(set) var generation: UInt64 = 0
    /// Open connections nobody holds; the most recently returned is last (reused first, so extra ones go idle).
    private(set) var idle: [RedisConnection] = []
    /// Callers waiting for a connection, oldest first.
    private(set) var waiters: [Waiter] = []
    private(set) var leased = 0
    private(set) var opened = 0
    private(set) var failedAttempts = 0
    /// The error of the latest attempt to connect, until one succeeds.
    private(set) var lastConnectError: RedisError?
    /// Whether the maintenance loop is opening a connection right now.
    private(set) var connecting = false
    var lifecycle = Lifecycle.notStarted
    private var nextWaiterID: UInt64 = 0

    var statistics: RedisClient.Statistics {
        .init(
            open: open.count,
            idle: idle.count,
            leased: leased,
            waiting: waiters.count,
            opened: opened,
            failedAttempts: failedAttempts
        )
    }

    mutating func makeWaiterID() -> UInt64 {
        defer { nextWaiterID &+= 1 }
        return nextWaiterID
    }

    /// Takes an idle connection that is still open, dropping closed ones.
    mutating func takeIdle() -> RedisConnection? {
        while let connection = idle.popLast() {
            guard connection.isActive, open[ObjectIdentifier(connection)] == generation else {
                open[ObjectIdentifier(connection)] = nil
                continue
            }
            leased += 1
            return connection
        }
        return nil
    }

    mutating func enqueue(_ waiter: Waiter) {
        waiters.append(waiter)
    }

    /// Removes a waiter (timed out or cancelled); `nil` when it was already served.
    mutating func removeWaiter(id: UInt64) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }

    /// A leased connection comes back. Returns the waiter to hand it to, or whether to close it (broken, or the
    /// pool is shut down).
    mutating func release(_ connection: RedisConnection, discard: Bool) -> (waiter: Waiter?, close: Bool) {
        leased -= 1
        let id = ObjectIdentifier(connection)
        guard lifecycle != .shutDown, !discard, connection.isActive, open[id] == generation else {
            open[id] = nil
            return (nil, true)
        }
        return (handOver(connection), false)
    }

    /// A new connection is open. Returns the waiter to hand it to, or whether to close it (shut down meanwhile).
    mutating func connected(_ connection: RedisConnection) -> (waiter: Waiter?, close: Bool) {
        connecting = false
        lastConnectError = nil
        opened += 1
        guard lifecycle != .shutDown else { return (nil, true) }
        open[ObjectIdentifier(connection)] = generation
        return (handOver(connection), false)
    }

    mutating func startConnecting() {
        connecting = true
    }

    mutating func connectFailed(_ error: RedisError) {
        connecting = false
        failedAttempts += 1
        lastConnectError = error
    }

    /// A connection closed (idle or leased): it no longer counts. Returns whether it was still counted.
    mutating func closed(_ id: ObjectIdentifier) -> Bool {
        idle.removeAll { ObjectIdentifier($0) == id }
        return open.removeValue(forKey: id) != nil
    }

    /// The primary moved: every open connection is retired. Returns the idle ones, to close now.
    mutating func primaryChanged() -> [RedisConnection] {
        generation += 1
        let retired = idle
        idle = []
        for connection in retired { open[ObjectIdentifier(connection)] = nil }
        return retired
    }

    /// Whether the maintenance loop should open another connection now.
    func needsConnection(maximum: Int, minimum: Int) -> Bool {
        guard lifecycle == .running, !connecting, open.count < maximum else { return false }
        return open.count < minimum || waiters.count > idle.count
    }

    /// Shuts down: returns the waiters to fail and the idle connections to close.
    mutating func shutDown() -> (waiters: [Waiter], idle: [RedisConnection]) {
        lifecycle = .shutDown
        let result = (waiters, idle)
        for connection in idle { open[ObjectIdentifier(connection)] = nil }
        waiters = []
        idle = []
        return result
    }

    /// Gives a connection nobody holds to the oldest waiter, or parks it as idle.
    private mutating func handOver(_ connection: RedisConnection) -> Waiter? {
        guard !waiters.isEmpty else {
            idle.append(connection)
            return nil
        }
        leased += 1
        return waiters.removeFirst()
    }
}
