import Foundation
import PoolMonitoring
import PostgresNIO
import Storage
import TestSupport
import Testing

/// The pool across a PostgreSQL restart, on a server of the test's own: work in flight and acquires fail with
/// errors (none hangs), and the connections are replaced once the server is back.
@Suite(
    "ConnectionPool across a PostgreSQL restart",
    .enabled(if: PrivatePostgres.shouldRun, "needs PostgreSQL 15's binaries: run scripts/test")
)
struct PoolRestartTests {
    @Test("a restart fails held work and acquires fast, and the connections are replaced")
    func restart() async throws {
        try await PrivatePostgres.with { server in
            let factory = try PostgresPoolConnectionFactory(
                url: try PostgresURL(server.url),
                applicationName: "mastery-pool-restart",
                logger: TestPostgres.quietLogger
            )
            var configuration = PoolConfiguration()
            configuration.minimum = 2
            configuration.maximum = 2
            configuration.validationThreshold = .zero
            configuration.initialBackoff = .milliseconds(50)
            configuration.maximumBackoff = .milliseconds(200)
            let pool = try ConnectionPool(
                factory: factory,
                configuration: configuration,
                logger: TestPostgres.quietLogger
            )
            try await withRunning(pool) {
                try await waitUntil("the minimum open", limit: .seconds(30)) { pool.snapshot().idle == 2 }
                let before = Locked<Set<Int32>>([])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let gate = Gate()
                    for _ in 0..<2 {
                        group.addTask {
                            try await pool.withConnection { pooled in
                                before.withLock { _ = $0.insert(pooled.backendPID) }
                                await gate.wait()
                            }
                        }
                    }
                    try await waitUntil("both held") { pool.snapshot().inUse == 2 }
                    gate.open()
                    try await group.waitForAll()
                }
                let sleeperFailed = Locked<Bool?>(nil)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await pool.withConnection(label: "sleeper") { pooled in
                                let rows = try await pooled.query(
                                    "SELECT pg_sleep(30)",
                                    logger: TestPostgres.quietLogger
                                )
                                for try await _ in rows {}
                            }
                            sleeperFailed.withLock { $0 = false }
                        } catch {
                            sleeperFailed.withLock { $0 = true }
                        }
                    }
                    try await waitUntil("the sleeper runs") { pool.snapshot().inUse == 1 }
                    let stopped = ContinuousClock.now
                    await server.stop()
                    try await waitUntil("the sleeper fails", limit: .seconds(30)) { sleeperFailed.value != nil }
                    #expect(sleeperFailed.value == true)
                    // While the server is down, an acquire fails fast: no hang.
                    await #expect(throws: PoolError.self) { try await pool.withConnection { _ in } }
                    #expect(ContinuousClock.now - stopped < .seconds(30))
                    try await group.waitForAll()
                }
                try await server.start()
                let after = Locked<Int32?>(nil)
                try await waitUntil("served again", limit: .seconds(30)) {
                    let pid = try? await pool.withConnection { $0.backendPID }
                    after.withLock { $0 = pid }
                    return pid != nil
                }
                let pid = try #require(after.value)
                #expect(!before.value.contains(pid))
                #expect(pool.snapshot().connectionErrors >= 1)
            }
        }
    }
}
