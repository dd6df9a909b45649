public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import Storage
import Synchronization

/// A ``JobSignal`` across processes: PostgreSQL `LISTEN/NOTIFY` on the channel `mastery_jobs`, the payload
/// being the queue name.
///
/// Run it as a service (``run()``): it holds a dedicated connection for its `LISTEN`, outside the pool's count
/// (``ConnectionPool/withDedicatedConnection(label:isolation:_:)``), re-established with a bounded back-off, 50 ms
/// doubling to 5 s, after PostgreSQL restarts or the connection drops, and sends the
/// notifications. Each time it starts listening it tells its subscribers every queue it knows of and every
/// queue with pending jobs once, since jobs may have been enqueued while it was deaf.
///
/// ``signal(_:)`` tells this process's subscribers at once, then leaves the `NOTIFY` to ``run()``, coalesced:
/// at most one `pg_notify` is in flight (one statement for every queue signalled meanwhile), and signals that
/// arrive while it is mark their queue dirty, which causes exactly one more `NOTIFY` after it. One notification
/// per enqueue would serialise concurrent committers on PostgreSQL's notification queue lock; a burst of
/// enqueues costs a couple of notifications instead. Before ``run()`` starts (or after it ends), ``signal(_:)``
/// sends its notification itself.
///
/// A signal is a hint: workers still poll, so a notification lost while a connection is down delays jobs by at
/// most a poll interval.
public final class PostgresJobSignal: JobSignal, Service {
    /// The channel every process listens on.
    public static let channel = "mastery_jobs"

    struct State {
        /// Queues signalled and not yet notified.
        var dirty: Set<String> = []
        /// Every queue this process heard of (to announce on reconnect).
        var known: Set<String> = []
        /// Wakes the notifier of ``run()``; nil while it does not run.
        var notifier: AsyncStream<Void>.Continuation?
        /// How many times the `LISTEN` was established.
        var listens = 0
    }

    let pool: PostgresPool
    let logger: Logger
    let local = LocalJobSignal()
    let state = Mutex(State())

    /// Creates the signal.
    /// - Parameters:
    ///   - pool: The pool it notifies through and opens its dedicated `LISTEN` connection from.
    ///   - logger: Receives the connection's losses and returns (`debug`); nil logs nothing.
    public init(pool: PostgresPool, logger: Logger? = nil) {
        self.pool = pool
        self.logger = logger ?? Logger(label: "mastery.jobs.signal", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    public func signal(_ queues: [String]) async {
        guard !queues.isEmpty else { return }
        local.deliver(queues)
        let notifier = state.withLock { state in
            state.known.formUnion(queues)
            state.dirty.formUnion(queues)
            return state.notifier
        }
        if let notifier {
            notifier.yield()
        } else {
            await notifyDirty()
        }
    }

    public func subscribe() -> AsyncStream<String> {
        local.subscribe()
    }

    /// How many times the `LISTEN` connection was established (1 after the first; more after reconnections).
    public var listenCount: Int { state.withLock { $0.listens } }

    /// Listens and notifies until the task is cancelled or graceful shutdown begins; then ends every
    /// subscription.
    public func run() async throws {
        let (wakeups, notifier) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.notifier = notifier }
        defer {
            state.withLock { $0.notifier = nil }
            local.finish()
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in wakeups { await self.notifyDirty() }
                }
                group.addTask { await self.listen() }
                await group.next()
                group.cancelAll()
            }
        }
        notifier.finish()
    }

    /// Sends one `NOTIFY` per dirty queue (one statement), until no queue is dirty.
    func notifyDirty() async {
        while true {
            let queues = state.withLock { state in
                defer { state.dirty.removeAll() }
                return Array(state.dirty)
            }
            guard !queues.isEmpty else { return }
            do {
                try await pool.query(
                    "SELECT pg_notify(\(Self.channel), q) FROM unnest(\(queues)::text[]) AS q",
                    label: "jobs.notify",
                    logger: logger
                )
            } catch {
                logger.debug(
                    "Job notification failed",
                    metadata: ["jobs.error": "\(PostgresJobStore.describe(error))"]
                )
                return
            }
        }
    }

    /// Keeps a `LISTEN` going until cancelled.
    func listen() async {
        var backoff = Duration.milliseconds(50)
        while !Task.isCancelled {
            let before = listenCount
            do {
                try await pool.withDedicatedConnection(label: "jobs.listen") { pooled in
                    let connection = pooled.connection
                    // A connection that closes under the LISTEN fails it at once (PostgresNIO may not).
                    try await PostgresPooledConnection.unlessClosed(connection) {
                        try await connection.listen(on: Self.channel) { notifications in
                            self.state.withLock { $0.listens += 1 }
                            self.local.deliver(await self.announcedQueues())
                            for try await notification in notifications {
                                self.state.withLock { _ = $0.known.insert(notification.payload) }
                                self.local.deliver([notification.payload])
                            }
                        }
                    }
                }
            } catch {
                logger.debug(
                    "Job notifications lost their connection",
                    metadata: ["jobs.error": "\(PostgresJobStore.describe(error))"]
                )
            }
            guard !Task.isCancelled else { return }
            if listenCount != before { backoff = .milliseconds(50) }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// Every queue known here, and every queue with pending jobs (when the job tables exist).
    func announcedQueues() async -> [String] {
        var queues = state.withLock { $0.known }
        // A loose index scan of `jobs_claim`: one probe per queue, not one row per pending job.
        let pending = try? await pool.query(
            """
            WITH RECURSIVE q AS (
                SELECT min(queue) AS queue FROM jobs WHERE state = 'pending'
                UNION ALL
                SELECT (SELECT min(queue) FROM jobs WHERE state = 'pending' AND queue > q.queue)
                FROM q WHERE q.queue IS NOT NULL
            )
            SELECT queue FROM q WHERE queue IS NOT NULL
            """,
            label: "jobs.announce",
            logger: logger
        ).collectRows()
        for row in pending ?? [] {
            if let queue = try? row[0].decode(String.self) { queues.insert(queue) }
        }
        return queues.sorted()
    }
}
