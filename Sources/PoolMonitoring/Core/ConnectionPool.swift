public import Logging
public import ServiceLifecycle
import Synchronization

/// A connection pool an operator can see into (``snapshot()``) and resize while it runs.
///
/// Guarantees:
/// - Acquires are served first come, first served: a returned or new connection goes to the longest waiter, and
///   a newcomer never overtakes a waiter. At most ``PoolConfiguration/maximumWaiters`` wait; one more is refused
///   at once. A waiter fails after ``PoolConfiguration/acquireTimeout`` with ``PoolError/Code/exhausted``, whose
///   message counts holders and waiters and names the labels holding most connections.
/// - A failed connect fails every waiting acquire with ``PoolError/Code/databaseUnavailable`` and the reason, and
///   acquires that find no idle connection fail fast during the back-off (100 ms doubling to 5 s): nothing
///   waits on a database that is down.
/// - ``resize(minimum:maximum:)`` never touches a held connection: shrinking closes idle connections at once and
///   held ones when they come back.
/// - A returned connection is reset (``PoolConnectionFactory/reset(_:)``) or closed: the next borrower gets a clean
///   session. A connection that is closed, fails its validation or its reset is replaced, never handed out.
/// - A connection held longer than ``PoolConfiguration/leakThreshold`` is logged once with the holder's label, file
///   and line, and counted; past ``PoolConfiguration/leakReclaimLimit`` it is closed and replaced.
///
/// Its state is one `Mutex`: no actor hop on the path of an acquire or a release. Opening connections and the
/// maintenance loop happen in ``run()``, which must run (as a `Service`) for the pool to open connections.
public final class ConnectionPool<Factory: PoolConnectionFactory, C: Clock>: Service, Sendable
where C.Duration == Duration {
    typealias State = PoolState<Factory.Connection, C.Instant>

    enum Event: Sendable {
        case open
        case close(Factory.Connection)
        case keepalive(id: Int, connection: Factory.Connection)
    }

    let factory: Factory
    let clock: C
    let logger: Logger
    let state: Mutex<State>
    let events: AsyncStream<Event>
    let eventSink: AsyncStream<Event>.Continuation
    /// What never changes while it runs; the rest of the configuration is the state's (``currentConfiguration``).
    let fixed: PoolConfiguration.Fixed
    let observers = Mutex<[any PoolObserver]>([])
    /// How many observers there are: an acquire with none takes no lock for them.
    let observerCount = Atomic<Int>(0)
    /// Wakes the timer of ``run()`` when a waiter joins an empty queue.
    let timerWakeups: AsyncStream<Void>
    let timerSink: AsyncStream<Void>.Continuation

    /// Creates a pool; it opens no connection until ``run()`` runs.
    /// - Parameters:
    ///   - factory: Opens, checks, resets and closes the connections.
    ///   - configuration: Sizes and timeouts.
    ///   - clock: The clock every timeout is measured on.
    ///   - logger: Receives leak reports (`info`) and connection failures (`debug`).
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration``.
    public init(factory: Factory, configuration: PoolConfiguration, clock: C, logger: Logger) throws {
        try configuration.validate()
        self.factory = factory
        self.fixed = PoolConfiguration.Fixed(configuration)
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(configuration: configuration))
        (events, eventSink) = AsyncStream.makeStream(of: Event.self)
        (timerWakeups, timerSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells `observer` of every acquire, release and failed connect from now on.
    public func addObserver(_ observer: any PoolObserver) {
        observers.withLock { $0.append(observer) }
        observerCount.add(1, ordering: .releasing)
    }

    func notify(_ event: (any PoolObserver) -> Void) {
        guard observerCount.load(ordering: .acquiring) > 0 else { return }
        for observer in observers.withLock({ $0 }) { event(observer) }
    }

    /// The counts and counters now.
    public func snapshot() -> PoolSnapshot {
        let now = clock.now
        return state.withLock { $0.snapshot(now: now) }
    }

    /// Changes the limits while the pool runs: it grows to the new minimum at once, closes idle connections above
    /// the new maximum at once and held ones when they are returned; no held connection is disturbed.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` (the limits are unchanged).
    public func resize(minimum: Int, maximum: Int) throws {
        try PoolConfiguration.checkSizes(minimum: minimum, maximum: maximum)
        let now = clock.now
        perform(state.withLock { $0.resize(minimum: minimum, maximum: maximum, now: now) })
        logger.debug("Pool resized", metadata: ["pool.minimum": "\(minimum)", "pool.maximum": "\(maximum)"])
    }

    /// Replaces every connection without failing work in flight, after a credential rotation (give the factory
    /// its new credentials first): idle connections are closed at once and reopened up to the minimum; held ones
    /// finish their work and are closed when returned; ones being opened are closed when they open.
    public func replaceAllConnections() {
        let now = clock.now
        perform(state.withLock { $0.retireAll(now: now) })
        logger.debug("Pool retired every connection")
    }

    /// Runs `body` with a connection, and returns the connection (reset) when `body` ends, however it ends.
    ///
    /// - Parameters:
    ///   - label: Who holds it, as leak reports and exhaustion errors name it.
    ///   - queryTimeout: When set, what `body` runs longer than this is cancelled on the server
    ///     (``PoolConnectionFactory/cancel(_:)``) and the call throws ``PoolError/Code/queryTimeout``; the connection
    ///     goes back to the pool healthy (or is closed if the cancel did not end the statement within
    ///     ``PoolConfiguration/cancelGracePeriod``).
    ///   - file: Where it was acquired (leak reports).
    ///   - line: Where it was acquired (leak reports).
    ///   - body: The work.
    /// - Throws: ``PoolError`` (exhausted, wait queue full, database unavailable, query timeout, shut down), or what
    ///   `body` throws.
    public func withConnection<Result>(
        label: String = "unlabelled",
        queryTimeout: Duration? = nil,
        file: String = #fileID,
        line: Int = #line,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Factory.Connection) async throws -> Result
    ) async throws -> Result {
        try await lease(label: label, queryTimeout: queryTimeout, file: file, line: line, body)
    }

    /// ``withConnection(label:queryTimeout:file:line:isolation:_:)``'s work, apart so that a pool of concrete types
    /// (``PostgresPool``) gets a copy specialised for them: generic code called from another module finds its type
    /// metadata at run time on every call, which cost the pool a third of its `SELECT 1` throughput.
    func lease<Result>(
        label: String,
        queryTimeout: Duration?,
        file: String,
        line: Int,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Factory.Connection) async throws -> Result
    ) async throws -> Result {
        let lent = try await checkOut(label: label, file: file, line: line)
        do {
            let result: Result
            if let queryTimeout {
                result = try await run(body, on: lent.borrowed.connection, timeout: queryTimeout)
            } else {
                result = try await body(lent.borrowed.connection)
            }
            await checkIn(lent)
            return result
        } catch {
            await checkIn(lent)
            throw error
        }
    }

    /// A connection lent to a caller, and when.
    struct Lent: Sendable {
        var borrowed: State.Borrowed
        var since: C.Instant
    }

    /// Acquires a connection for a caller and tells the observers how long it waited. Not generic over the
    /// caller's result, so that a pool of concrete types calls a fully specialised copy.
    func checkOut(label: String, file: String, line: Int) async throws -> Lent {
        let asked = clock.now
        let borrowed: State.Borrowed
        do {
            borrowed = try await acquire(
                State.Holder(label: label, file: file, line: line, affinity: factory.currentAffinity())
            )
        } catch let error as PoolError {
            let wait = asked.duration(to: clock.now)
            notify { $0.acquireFailed(error, wait: wait) }
            throw error
        }
        let got = clock.now
        let wait = asked.duration(to: got)
        notify { $0.acquired(wait: wait) }
        return Lent(borrowed: borrowed, since: got)
    }

    /// Gives back a lent connection (reset if needed) and tells the observers how long it was held.
    func checkIn(_ lent: Lent) async {
        await release(lent.borrowed)
        let held = lent.since.duration(to: clock.now)
        notify { $0.released(held: held) }
    }

    /// Runs `body` on a connection of its own, opened for it and closed when it ends: for a session that lives as
    /// long as a service (a `LISTEN`), which would otherwise hold a pooled connection forever and be reported as a
    /// leak. It is outside the pool's maximum and counted in ``PoolSnapshot/dedicated``.
    /// - Parameters:
    ///   - label: What it is for, in logs.
    ///   - body: The work; when the connection breaks, `body`'s statements fail, and the caller opens another.
    /// - Throws: What opening the connection throws (the database is unreachable), or what `body` throws.
    public func withDedicatedConnection<Result>(
        label: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Factory.Connection) async throws -> Result
    ) async throws -> Result {
        let id = state.withLock { state in
            state.dedicated += 1
            return state.makeID()
        }
        let connection: Factory.Connection
        do {
            connection = try await factory.makeConnection(id: id)
        } catch {
            state.withLock { $0.dedicated -= 1 }
            logger.debug(
                "Pool could not open a dedicated connection",
                metadata: ["pool.label": "\(label)", "pool.error": "\(factory.describe(error))"]
            )
            throw error
        }
        defer { state.withLock { $0.dedicated -= 1 } }
        do {
            let result = try await body(connection)
            await factory.close(connection)
            return result
        } catch {
            await factory.close(connection)
            throw error
        }
    }

    // MARK: Acquire and release

    func acquire(_ holder: State.Holder) async throws -> State.Borrowed {
        while true {
            let borrowed = try await borrow(holder)
            if factory.isClosed(borrowed.connection) {
                await release(borrowed, discard: true)
                continue
            }
            if borrowed.lastUsed.duration(to: clock.now) >= fixed.validationThreshold {
                if let error = await check(borrowed.connection) {
                    logger.debug("Pooled connection failed its validation", metadata: metadata(error))
                    await release(borrowed, discard: true)
                    continue
                }
            }
            return borrowed
        }
    }

    /// Validates the connection within ``PoolConfiguration/validationTimeout``, closing it if it does not answer
    /// in time (which ends the validation): the error, or nil when it answered.
    func check(_ connection: Factory.Connection) async -> (any Error)? {
        let (factory, clock, limit) = (self.factory, self.clock, fixed.validationTimeout)
        return await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do {
                    try await factory.validate(connection)
                    return nil
                } catch {
                    return error
                }
            }
            group.addTask {
                do { try await clock.sleep(for: limit) } catch { return nil }
                await factory.close(connection)
                return PoolError(.connectionBroken, "the connection did not answer its validation within \(limit)")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// An idle connection at once, else a place in the queue (with the acquire timeout and cancellation). While
    /// ``run()`` runs, its timer fails waiters past their deadline (one task for the whole queue); before it runs,
    /// each waiter watches its own timeout.
    func borrow(_ holder: State.Holder) async throws -> State.Borrowed {
        let now = clock.now
        let (idle, waiterID, timed) = state.withLock { state -> (State.Borrowed?, Int, Bool) in
            if let borrowed = state.takeIdle(holder: holder, now: now) { return (borrowed, 0, false) }
            return (nil, state.makeID(), state.timerRunning)
        }
        if let idle { return idle }
        if timed { return try await wait(waiterID: waiterID, holder: holder) }
        let timeout = state.withLock { $0.configuration.acquireTimeout }
        return try await withThrowingTaskGroup(of: Void.self, returning: State.Borrowed.self) { group in
            group.addTask { [clock] in
                try await clock.sleep(for: timeout)
                self.perform(self.state.withLock { $0.timeOut(waiterID: waiterID, after: timeout) })
            }
            defer { group.cancelAll() }
            return try await wait(waiterID: waiterID, holder: holder)
        }
    }

    /// Joins the queue and waits to be served, failed (timeout, shutdown) or cancelled.
    func wait(waiterID: Int, holder: State.Holder) async throws -> State.Borrowed {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let now = clock.now
                perform(
                    state.withLock {
                        $0.acquire(waiterID: waiterID, holder: holder, continuation: continuation, now: now)
                    }
                )
                if Task.isCancelled { perform(state.withLock { $0.cancel(waiterID: waiterID) }) }
            }
        } onCancel: {
            perform(state.withLock { $0.cancel(waiterID: waiterID) })
        }
    }

    /// Resets the connection (unless it is to be discarded) and gives it back.
    func release(_ borrowed: State.Borrowed, discard: Bool = false) async {
        var discard = discard || factory.isClosed(borrowed.connection)
        if !discard, fixed.resetOnRelease {
            do {
                try await factory.reset(borrowed.connection)
            } catch {
                logger.debug("Pooled connection failed its reset", metadata: metadata(error))
                discard = true
            }
        }
        let now = clock.now
        let actions = state.withLock { $0.release(id: borrowed.id, discard: discard, now: now) }
        perform(actions, closing: false)
        for connection in actions.close { await factory.close(connection) }
    }

    // MARK: Actions

    /// Resumes waiters and hands opening, closing and keepalives to ``run()``.
    func perform(_ actions: State.Actions, closing: Bool = true) {
        for (continuation, result) in actions.resume { continuation.resume(with: result) }
        if actions.wakeTimer { timerSink.yield() }
        for _ in 0..<actions.open { eventSink.yield(.open) }
        if closing {
            for connection in actions.close { eventSink.yield(.close(connection)) }
        }
        for (id, connection) in actions.keepalive { eventSink.yield(.keepalive(id: id, connection: connection)) }
        for leak in actions.leaks {
            logger.info(
                leak.reclaimed ? "Leaked pool connection reclaimed" : "Pool connection held past the leak threshold",
                metadata: [
                    "pool.label": "\(leak.holder.label)", "pool.file": "\(leak.holder.file)",
                    "pool.line": "\(leak.holder.line)", "pool.held": "\(leak.held)", "pool.connection": "\(leak.id)",
                ]
            )
        }
    }

    func metadata(_ error: any Error) -> Logger.Metadata {
        ["pool.error": "\(factory.describe(error))"]
    }
}

extension ConnectionPool where C == ContinuousClock {
    /// Creates a pool on the continuous clock.
    /// - Parameters:
    ///   - factory: Opens, checks, resets and closes the connections.
    ///   - configuration: Sizes and timeouts.
    ///   - logger: Receives leak reports (`info`) and connection failures (`debug`).
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration``.
    public convenience init(factory: Factory, configuration: PoolConfiguration, logger: Logger) throws {
        try self.init(factory: factory, configuration: configuration, clock: ContinuousClock(), logger: logger)
    }
}
