import Platform
import Redis
import Synchronization
import TestSupport
import Testing

@Suite(
    "Redis connection pool across a server restart",
    .enabled(if: TestServers.shouldRun(tools: "redis-server"), "needs redis-server: run scripts/test"),
    .timeLimit(.minutes(3))
)
struct RedisClientRestartTests {
    @Test("commands in flight fail clearly, later ones succeed after the restart, nothing hangs")
    func restart() async throws {
        var server = try await RedisTestServer.start()
        let port = server.port
        var configuration = RedisClient.Configuration(
            connection: .init(port: port),
            minimumConnections: 2,
            maximumConnections: 4,
            // Six workers share four connections, so they wait for one; 10 s is generous on two loaded cores (2 s
            // timed out in a CI run while another build shared the machine). A connection never given back would
            // still time out and fail the test.
            connectionWaitTimeout: .seconds(10),
            reconnectBackoff: .init(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200))
        )
        configuration.connection.commandTimeout = .seconds(5)
        let tally = Tally()
        // tally.phase: 0 before the kill, 1 while the server is down, 2 after the restart.
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withRunningClient(configuration) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<6 {
                        group.addTask {
                            // Bounded: each iteration either succeeds, fails fast on a dead connection, or waits at
                            // most connectionWaitTimeout for a connection.
                            for _ in 0..<200_000 {
                                let current = tally.phase.load(ordering: .acquiring)
                                do {
                                    try await client.increment("restart:\(worker)")
                                    tally.add("success.\(current)")
                                    if current == 2, tally["success.2"] >= 6 * 50 { return }
                                } catch let error as RedisError {
                                    tally.add("failure.\(error.code)")
                                    if ![.connectionClosed, .connectionFailed].contains(error.code) {
                                        tally.notes.withLock { $0.append("\(error)") }
                                    }
                                }
                                if clock.now - start > .seconds(120) { return }
                            }
                        }
                    }
                    // Kill the server in the middle of the workload, then bring it back on the same port.
                    try await waitUntil(timeout: .seconds(60)) { tally["success.0"] >= 500 }
                    tally.phase.store(1, ordering: .releasing)
                    server.process.kill(signal: .kill)
                    _ = try await server.process.waitForExit(timeout: .seconds(20))
                    try await waitUntil(timeout: .seconds(60)) {
                        tally["failure.connectionClosed"] + tally["failure.connectionFailed"] > 0
                    }
                    server = try await RedisTestServer.start(port: port)
                    tally.phase.store(2, ordering: .releasing)
                    try await group.waitForAll()
                }
                #expect(try await client.ping() == "PONG")
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        let elapsed = clock.now - start
        // Generous: every wait is bounded by a 5 s command timeout or a 10 s connection wait; a hang would run to
        // the workers' 120 s stop.
        #expect(elapsed < .seconds(100), "took \(elapsed)")
        #expect(tally["success.2"] >= 6 * 50, "\(tally.values.withLock { $0 })")
        #expect(tally["failure.connectionClosed"] + tally["failure.connectionFailed"] > 0)
        #expect(tally.notes.withLock { $0 }.isEmpty, "\(tally.notes.withLock { $0 })")
    }
}
