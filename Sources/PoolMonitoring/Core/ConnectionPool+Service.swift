import Logging
import ServiceLifecycle
import Synchronization

extension ConnectionPool {
    /// Runs the pool until the task is cancelled or graceful shutdown begins: opens connections (for waiters and
    /// up to the minimum), closes retired ones, and every ``PoolConfiguration/maintenanceInterval`` applies the
    /// idle timeout and lifetime, pings idle connections due for a keepalive and sweeps for leaks. When it ends,
    /// waiters fail with ``PoolError/Code/shutDown``, idle connections are closed and held ones are closed when
    /// returned. Run it once.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.maintainPeriodically() }
                group.addTask { await self.expireWaitersOnTime() }
                self.maintain()
                for await event in self.events {
                    switch event {
                    case .open:
                        group.addTask { await self.open() }
                    case .close(let connection):
                        group.addTask { await self.factory.close(connection) }
                    case .keepalive(let id, let connection):
                        group.addTask { await self.keepalive(id: id, connection: connection) }
                    }
                }
                group.cancelAll()
            }
        }
        let actions = state.withLock { state in
            state.timerRunning = false
            return state.shut()
        }
        eventSink.finish()
        timerSink.finish()
        perform(actions, closing: false)
        for connection in actions.close { await factory.close(connection) }
    }

    /// One pass of maintenance now (``run()`` calls it every ``PoolConfiguration/maintenanceInterval``).
    public func maintain() {
        let now = clock.now
        perform(state.withLock { $0.maintain(now: now) })
    }

    func maintainPeriodically() async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: fixed.maintenanceInterval)
            } catch {
                return
            }
            maintain()
        }
    }

    /// The acquire timeout of every waiter, in one task: it sleeps until the earliest deadline in the queue (or,
    /// with an empty queue, until a waiter joins) and fails the waiters past theirs. A timeout shortened while
    /// the queue is long applies to waiters that join after the next deadline passes.
    func expireWaitersOnTime() async {
        state.withLock { $0.timerRunning = true }
        // Waiters that joined before the timer ran watch their own timeout.
        var wakeups = timerWakeups.makeAsyncIterator()
        while !Task.isCancelled {
            if let deadline = state.withLock({ $0.earliestDeadline }) {
                do {
                    try await clock.sleep(until: deadline, tolerance: nil)
                } catch {
                    return
                }
                let now = clock.now
                perform(state.withLock { $0.expireWaiters(now: now) })
            } else {
                guard await wakeups.next() != nil else { return }
            }
        }
    }

    func open() async {
        let id = state.withLock { $0.willOpen() }
        do {
            let connection = try await factory.makeConnection(id: id)
            let now = clock.now
            let affinity = factory.affinity(of: connection)
            perform(state.withLock { $0.opened(connection, id: id, affinity: affinity, now: now) })
        } catch {
            notify { $0.connectFailed(error) }
            let reason = factory.describe(error)
            logger.debug("Pool could not open a connection", metadata: ["pool.error": "\(reason)"])
            let now = clock.now
            perform(state.withLock { $0.openFailed(id: id, reason: reason, now: now) })
        }
    }

    func keepalive(id: Int, connection: Factory.Connection) async {
        let error = await check(connection)
        if let error {
            logger.debug("Idle pool connection failed its keepalive", metadata: metadata(error))
        }
        let alive = error == nil
        let now = clock.now
        perform(state.withLock { $0.checked(id: id, alive: alive, now: now) })
    }
}
