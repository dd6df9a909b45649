/// The pool's bookkeeping, kept in a `Mutex` by ``ConnectionPool``: every transition is a method that changes the
/// counts and returns what to do outside the lock (resume a waiter, open or close a connection), so no I/O and no
/// continuation runs under the lock.
struct PoolState<Connection: Sendable, Instant: InstantProtocol> where Instant.Duration == Duration {
    /// A connection handed to a caller.
    struct Borrowed: Sendable {
        var id: Int
        var connection: Connection
        /// When it was last returned (or opened): how long it sat idle.
        var lastUsed: Instant
    }

    struct Idle: Sendable {
        var id: Int
        var connection: Connection
        var created: Instant
        var lastUsed: Instant
        /// The thread it does its I/O on (``PoolConnectionFactory/affinity(of:)``).
        var affinity: ObjectIdentifier?
    }

    struct Lease: Sendable {
        var connection: Connection
        var created: Instant
        var since: Instant
        var holder: Holder
        var affinity: ObjectIdentifier?
        var reported = false
    }

    /// Who holds (or waits for) a connection.
    struct Holder: Sendable {
        var label: String
        var file: String
        var line: Int
        /// The thread it runs on (``PoolConnectionFactory/currentAffinity()``): idle connections of that thread go
        /// to it first.
        var affinity: ObjectIdentifier? = nil
    }

    struct Waiter: Sendable {
        var id: Int
        var holder: Holder
        var continuation: CheckedContinuation<Borrowed, any Error>
        /// When it fails with `exhausted` (its acquire timeout from when it started waiting).
        var deadline: Instant
        var timeout: Duration
        /// When it joined the queue.
        var since: Instant
    }

    /// A leak to report: the holder and how long it has held the connection.
    struct LeakReport: Sendable {
        var id: Int
        var holder: Holder
        var held: Duration
        var reclaimed: Bool
    }

    /// What to do once the lock is released.
    struct Actions: Sendable {
        var resume: [(CheckedContinuation<Borrowed, any Error>, Result<Borrowed, any Error>)] = []
        var open = 0
        var close: [Connection] = []
        var keepalive: [(id: Int, connection: Connection)] = []
        var leaks: [LeakReport] = []
        /// A waiter joined an empty queue: the timer (``ConnectionPool/run()``) has a deadline to watch again.
        var wakeTimer = false
    }

    var configuration: PoolConfiguration
    var idle: [Idle] = []
    var leases: [Int: Lease] = [:]
    var waiters: [Waiter] = []
    var opening = 0
    var checking: [Int: (connection: Connection, created: Instant, affinity: ObjectIdentifier?)] = [:]
    var nextID = 1
    /// Connections being opened, by id.
    var pendingOpens: Set<Int> = []
    /// Connections held, being opened or being checked that ``retireAll(now:)`` retired: closed when they come back.
    var retired: Set<Int> = []
    var shutDown = false
    /// Whether ``ConnectionPool/run()``'s timer fails waiters past their acquire timeout (else each waiter times
    /// itself).
    var timerRunning = false
    /// Connections opened outside the pool by ``ConnectionPool/withDedicatedConnection(label:isolation:_:)``.
    var dedicated = 0
    var backoffUntil: Instant?
    var backoff: Duration
    var lastConnectError: String?
    var counters = Counters()

    struct Counters {
        var acquired = 0
        var timeouts = 0
        var rejected = 0
        var leaks = 0
        var reclaimed = 0
        var queryTimeouts = 0
        var opened = 0
        var closed = 0
        var connectionErrors = 0
        var keepalives = 0
        var sizeChanges = 0
    }

    init(configuration: PoolConfiguration) {
        self.configuration = configuration
        self.backoff = configuration.initialBackoff
    }

    /// Connections open or being opened.
    var total: Int { idle.count + leases.count + opening + checking.count }

    mutating func makeID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    // MARK: Acquire

    /// Takes an idle connection for a caller if one is free and nobody waits before it.
    mutating func takeIdle(holder: Holder, now: Instant) -> Borrowed? {
        guard !shutDown, waiters.isEmpty, let slot = takeIdleSlot(for: holder.affinity) else { return nil }
        return lease(slot, to: holder, now: now)
    }

    /// The most recently used idle connection of the borrower's thread, else the most recently used one.
    mutating func takeIdleSlot(for affinity: ObjectIdentifier?) -> Idle? {
        if let affinity, let index = idle.lastIndex(where: { $0.affinity == affinity }) {
            return idle.remove(at: index)
        }
        return idle.popLast()
    }

    /// Serves, refuses or enqueues an acquire (opening a connection for it when below the maximum).
    mutating func acquire(
        waiterID: Int,
        holder: Holder,
        continuation: CheckedContinuation<Borrowed, any Error>,
        now: Instant
    ) -> Actions {
        var actions = Actions()
        if shutDown {
            actions.resume.append((continuation, .failure(PoolError(.shutDown, "the pool is not running"))))
        } else if waiters.isEmpty, let slot = takeIdleSlot(for: holder.affinity) {
            actions.resume.append((continuation, .success(lease(slot, to: holder, now: now))))
        } else if let until = backoffUntil, now < until, opening == 0 {
            actions.resume.append((continuation, .failure(unavailable(retryIn: now.duration(to: until)))))
        } else if waiters.count >= configuration.maximumWaiters {
            counters.rejected += 1
            let error = PoolError(
                .waitQueueFull,
                "the wait queue is full (\(waiters.count) waiting, the bound is \(configuration.maximumWaiters)); "
                    + holdersText
            )
            actions.resume.append((continuation, .failure(error)))
        } else {
            let timeout = configuration.acquireTimeout
            waiters.append(
                Waiter(
                    id: waiterID,
                    holder: holder,
                    continuation: continuation,
                    deadline: now.advanced(by: timeout),
                    timeout: timeout,
                    since: now
                )
            )
            actions.wakeTimer = waiters.count == 1
            openForWaiters(&actions, now: now)
        }
        return actions
    }

    /// Fails a waiter whose acquire timeout passed (nothing if it was served meanwhile).
    mutating func timeOut(waiterID: Int, after timeout: Duration) -> Actions {
        var actions = Actions()
        guard let index = waiters.firstIndex(where: { $0.id == waiterID }) else { return actions }
        let waiter = waiters.remove(at: index)
        counters.timeouts += 1
        let error = PoolError(
            .exhausted,
            "the pool is exhausted: no connection within \(timeout) for '\(waiter.holder.label)'; " + holdersText
        )
        actions.resume.append((waiter.continuation, .failure(error)))
        return actions
    }

    /// The earliest deadline of a waiter, for the timer.
    var earliestDeadline: Instant? {
        waiters.lazy.map(\.deadline).min()
    }

    /// Fails every waiter whose acquire timeout passed by `now`.
    mutating func expireWaiters(now: Instant) -> Actions {
        var actions = Actions()
        guard waiters.contains(where: { $0.deadline <= now }) else { return actions }
        var kept: [Waiter] = []
        kept.reserveCapacity(waiters.count)
        var expired: [Waiter] = []
        for waiter in waiters {
            if waiter.deadline <= now { expired.append(waiter) } else { kept.append(waiter) }
        }
        waiters = kept
        for waiter in expired {
            counters.timeouts += 1
            let error = PoolError(
                .exhausted,
                "the pool is exhausted: no connection within \(waiter.timeout) for '\(waiter.holder.label)'; "
                    + holdersText
            )
            actions.resume.append((waiter.continuation, .failure(error)))
        }
        return actions
    }

    /// Fails a waiter whose task was cancelled.
    mutating func cancel(waiterID: Int) -> Actions {
        var actions = Actions()
        guard let index = waiters.firstIndex(where: { $0.id == waiterID }) else { return actions }
        actions.resume.append((waiters.remove(at: index).continuation, .failure(CancellationError())))
        return actions
    }

    /// `12 of 12 connections held (maximum 12), 3 waiting; holders: api.list ×10, report ×2`.
    var holdersText: String {
        var counts: [String: Int] = [:]
        for lease in leases.values { counts[lease.holder.label, default: 0] += 1 }
        let holders = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
            .map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "\(leases.count) of \(total) connections held (maximum \(configuration.maximum)), "
            + "\(waiters.count) waiting" + (holders.isEmpty ? "" : "; holders: \(holders)")
    }

    func unavailable(retryIn: Duration) -> PoolError {
        PoolError(
            .databaseUnavailable,
            "the database is unreachable (\(lastConnectError ?? "connect failed")); next attempt in \(retryIn); "
                + holdersText
        )
    }

    mutating func lease(_ slot: Idle, to holder: Holder, now: Instant) -> Borrowed {
        leases[slot.id] = Lease(
            connection: slot.connection,
            created: slot.created,
            since: now,
            holder: holder,
            affinity: slot.affinity
        )
        counters.acquired += 1
        return Borrowed(id: slot.id, connection: slot.connection, lastUsed: slot.lastUsed)
    }

    /// Opens connections for waiters not yet covered by one being opened, up to the maximum and outside back-off.
    mutating func openForWaiters(_ actions: inout Actions, now: Instant) {
        if let until = backoffUntil, now < until { return }
        while waiters.count > opening, total < configuration.maximum {
            opening += 1
            actions.open += 1
        }
    }

    /// Hands a connection to the first waiter, or keeps it idle.
    ///
    /// The first waiter of the connection's thread (or of none) goes before waiters of another thread ahead of
    /// it, as long as they have waited less than ``PoolConfiguration/affinityPatience``: the queue is FIFO within a
    /// thread, and across threads no waiter is passed over once it has waited that long.
    mutating func offer(
        id: Int,
        connection: Connection,
        created: Instant,
        affinity: ObjectIdentifier?,
        now: Instant,
        _ actions: inout Actions
    ) {
        let slot = Idle(id: id, connection: connection, created: created, lastUsed: now, affinity: affinity)
        guard !waiters.isEmpty else {
            idle.append(slot)
            return
        }
        var chosen = 0
        if affinity != nil {
            let patience = configuration.affinityPatience
            for index in waiters.indices.prefix(64) {
                let waiter = waiters[index]
                if waiter.holder.affinity == nil || waiter.holder.affinity == affinity
                    || waiter.since.duration(to: now) >= patience
                {
                    chosen = index
                    break
                }
            }
        }
        let waiter = waiters.remove(at: chosen)
        actions.resume.append((waiter.continuation, .success(lease(slot, to: waiter.holder, now: now))))
    }

    func expired(created: Instant, now: Instant) -> Bool {
        configuration.maximumLifetime.map { created.duration(to: now) >= $0 } ?? false
    }

    // MARK: Release

    /// Takes back a connection: closes it when asked, when retired, above the maximum or past its lifetime
    /// (opening another up to the minimum and for waiters), else hands it to the first waiter or keeps it idle.
    mutating func release(id: Int, discard: Bool, now: Instant) -> Actions {
        var actions = Actions()
        guard let lease = leases.removeValue(forKey: id) else { return actions }  // reclaimed meanwhile
        let retiredNow = retired.remove(id) != nil
        if discard || retiredNow || shutDown || total >= configuration.maximum
            || expired(created: lease.created, now: now)
        {
            if discard { counters.connectionErrors += 1 }
            counters.closed += 1
            actions.close.append(lease.connection)
            // Replace it at once: up to the minimum, and for waiters.
            if !shutDown { fill(&actions, now: now) }
        } else {
            offer(
                id: id,
                connection: lease.connection,
                created: lease.created,
                affinity: lease.affinity,
                now: now,
                &actions
            )
        }
        return actions
    }

    // MARK: Opening

    /// Numbers a connection about to be opened.
    mutating func willOpen() -> Int {
        let id = makeID()
        pendingOpens.insert(id)
        return id
    }

    mutating func opened(_ connection: Connection, id: Int, affinity: ObjectIdentifier?, now: Instant) -> Actions {
        var actions = Actions()
        opening -= 1
        pendingOpens.remove(id)
        counters.opened += 1
        backoffUntil = nil
        backoff = configuration.initialBackoff
        lastConnectError = nil
        if retired.remove(id) != nil {
            // Opened with the credentials retired meanwhile: replace it.
            counters.closed += 1
            actions.close.append(connection)
            fill(&actions, now: now)
        } else if shutDown || total >= configuration.maximum {
            counters.closed += 1
            actions.close.append(connection)
        } else {
            offer(id: id, connection: connection, created: now, affinity: affinity, now: now, &actions)
        }
        return actions
    }

    /// A connect failed: every waiter fails now with the reason (none hangs), and acquires that find no idle
    /// connection fail fast until the back-off ends.
    mutating func openFailed(id: Int, reason: String, now: Instant) -> Actions {
        var actions = Actions()
        opening -= 1
        pendingOpens.remove(id)
        retired.remove(id)
        counters.connectionErrors += 1
        lastConnectError = reason
        backoffUntil = now.advanced(by: backoff)
        let error = unavailable(retryIn: backoff)
        backoff = min(backoff * 2, configuration.maximumBackoff)
        if opening == 0 {
            for waiter in waiters { actions.resume.append((waiter.continuation, .failure(error))) }
            waiters.removeAll()
        }
        return actions
    }
}
