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
        let actions = state.withLock { $0.shut() }
        eventSink.finish()
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
                try await clock.sleep(for: configuration.maintenanceInterval)
            } catch {
                return
            }
            maintain()
        }
    }

    func open() async {
        let id = state.withLock { $0.willOpen() }
        do {
            let connection = try await factory.makeConnection(id: id)
            let now = clock.now
            perform(state.withLock { $0.opened(connection, id: id, now: now) })
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
