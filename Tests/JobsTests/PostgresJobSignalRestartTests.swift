import Foundation
import Jobs
import Platform
import PostgresNIO
import Storage
import TestSupport
import Testing

/// The `LISTEN` connection survives a PostgreSQL restart: on a server of the test's own, which it restarts.
@Suite(
    "PostgresJobSignal across a restart",
    .enabled(if: PrivatePostgres.shouldRun, "needs PostgreSQL 15's binaries: run scripts/test")
)
struct PostgresJobSignalRestartTests {
    @Test("after PostgreSQL restarts, the signal listens again, announces the pending queues and hears notifications")
    func reconnects() async throws {
        try await PrivatePostgres.with { server in
            try await withStores(url: server.url, count: 2) { stores in
                let listener = PostgresJobSignal(pool: stores[1].pool)
                try await withSignals([listener]) {
                    try await waitUntil(timeout: .seconds(30)) { listener.listenCount == 1 }
                    // A job enqueued without a notification (as if the NOTIFY was lost while the listener was
                    // deaf): only the reconnection's announcement of queues with pending jobs can reveal it.
                    _ = try await stores[0].enqueue(
                        [PostgresJobStoreTests.job("while-deaf")],
                        at: PostgresJobStoreTests.t0
                    )
                    let subscription = listener.subscribe()
                    try await server.restart()
                    try await waitUntil(timeout: .seconds(60)) { listener.listenCount >= 2 }
                    let announced = try await PostgresJobStoreTests.first(
                        subscription,
                        matching: "while-deaf",
                        within: .seconds(30)
                    )
                    #expect(announced)
                    // And notifications reach it again.
                    let later = listener.subscribe()
                    let heard = try await withThrowingTaskGroup(of: Bool.self) { group in
                        group.addTask {
                            while !Task.isCancelled {
                                _ = try? await stores[0].pool.query(
                                    "SELECT pg_notify('mastery_jobs', 'after-restart')"
                                )
                                try await Task.sleep(for: .milliseconds(200))
                            }
                            return false
                        }
                        group.addTask {
                            try await PostgresJobStoreTests.first(
                                later,
                                matching: "after-restart",
                                within: .seconds(30)
                            )
                        }
                        let heard = try await group.next() ?? false
                        group.cancelAll()
                        return heard
                    }
                    #expect(heard)
                }
            }
        }
    }
}
