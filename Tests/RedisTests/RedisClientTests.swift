import Logging
import NIOCore
import Platform
import Redis
import Synchronization
import TestSupport
import Testing

/// Runs `client.run()` beside `body`, then cancels it and checks that it stops promptly and refuses later commands.
func withRunningClient<Result: Sendable>(
    _ configuration: RedisClient.Configuration,
    _ body: (RedisClient) async throws -> Result
) async throws -> Result {
    let client = try RedisClient(configuration: configuration, logger: .test)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }
        let result: Result
        do {
            result = try await body(client)
        } catch {
            group.cancelAll()
            throw error
        }
        let clock = ContinuousClock()
        let start = clock.now
        group.cancelAll()
        try await group.waitForAll()
        #expect(clock.now - start < .seconds(30), "run() returns promptly after cancellation")
        let afterShutdown = await #expect(throws: RedisError.self) { try await client.ping() }
        #expect(afterShutdown?.code == .connectionClosed)
        return result
    }
}

/// Counts and notes, safe to share between tasks.
final class Tally: Sendable {
    let values = Mutex<[String: Int]>([:])
    let notes = Mutex<[String]>([])
    let identifiers = Mutex<Set<Int64>>([])
    let phase = Atomic<Int>(0)
    func add(_ key: String, _ amount: Int = 1) { values.withLock { $0[key, default: 0] += amount } }
    subscript(key: String) -> Int { values.withLock { $0[key, default: 0] } }
}

@Suite("Redis connection pool, without a server", .timeLimit(.minutes(1)))
struct RedisClientOfflineTests {
    @Test("impossible pool sizes and timeouts are refused")
    func invalidConfiguration() {
        for (minimum, maximum) in [(2, 1), (-1, 1), (0, 0), (0, 20_000)] {
            let error = #expect(throws: RedisError.self) {
                try RedisClient(
                    configuration: .init(minimumConnections: minimum, maximumConnections: maximum),
                    logger: .test
                )
            }
            #expect(error?.code == .invalidConfiguration)
        }
        let error = #expect(throws: RedisError.self) {
            try RedisClient(configuration: .init(connectionWaitTimeout: .zero), logger: .test)
        }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("commands fail with connectionFailed within their wait while the server is unreachable")
    func unreachable() async throws {
        var configuration = RedisClient.Configuration(connection: .init(port: try freePort()))
        configuration.connectionWaitTimeout = .milliseconds(300)
        configuration.reconnectBackoff = .init(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100))
        try await withRunningClient(configuration) { client in
            let clock = ContinuousClock()
            for _ in 0..<3 {
                let start = clock.now
                let error = await #expect(throws: RedisError.self) { try await client.ping() }
                #expect(error?.code == .connectionFailed)
                let message = error?.message ?? ""
                #expect(message.contains("no connection to Redis could be made"), "\(message)")
                #expect(clock.now - start < .seconds(30))
            }
            try await waitUntil(timeout: .seconds(60)) { client.statistics.failedAttempts >= 1 }
            #expect(client.statistics.waiting == 0)
        }
    }

    @Test("a client that is not running says so instead of waiting forever")
    func notRunning() async throws {
        let client = try RedisClient(
            configuration: .init(connection: .init(port: try freePort()), connectionWaitTimeout: .milliseconds(200)),
            logger: .test
        )
        let error = await #expect(throws: RedisError.self) { try await client.ping() }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("not running") == true)
    }

    @Test("run() may be called only once")
    func runTwice() async throws {
        let client = try RedisClient(configuration: .init(connection: .init(port: try freePort())), logger: .test)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await waitUntil(timeout: .seconds(60)) { client.statistics.failedAttempts > 0 }
            let error = await #expect(throws: RedisError.self) { try await client.run() }
            #expect(error?.code == .invalidConfiguration)
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

@Suite(
    "Redis connection pool against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(2))
)
struct RedisClientTests {
    let prefix = TestServers.uniqueKeyPrefix()

    func configuration(maximum: Int, minimum: Int = 1) throws -> RedisClient.Configuration {
        // Waits are generous: these tests are about behaviour, and a loaded machine can stall a test run for seconds.
        RedisClient.Configuration(
            connection: try .init(url: TestServers.requireRedisURL()),
            minimumConnections: minimum,
            maximumConnections: maximum,
            connectionWaitTimeout: .seconds(60)
        )
    }

    @Test("100 concurrent tasks share 4 connections: every INCR counts exactly once")
    func concurrentIncrements() async throws {
        let key = prefix + "counter"
        let perTask = 50
        let clientIDs = Tally()
        var configuration = try configuration(maximum: 4)
        // What is tested is that every increment counts once; give waiters all the time a loaded machine needs.
        configuration.connectionWaitTimeout = .seconds(90)
        try await withRunningClient(configuration) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        for _ in 0..<perTask {
                            try await client.withConnection { connection in
                                try await connection.increment(key)
                                if let id = try await connection.send(["CLIENT", "ID"]).integer {
                                    clientIDs.identifiers.withLock { _ = $0.insert(id) }
                                }
                            }
                            #expect(client.statistics.open <= 4)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.getString(key) == "\(100 * perTask)")
            let statistics = client.statistics
            #expect(statistics.leased == 0 && statistics.waiting == 0, "\(statistics)")
            try await client.delete(key)
        }
        let used = clientIDs.identifiers.withLock { $0.count }
        #expect(used >= 1 && used <= 4, "used \(used) connections")
    }

    @Test("the minimum is opened at start, and the pool grows on demand")
    func minimumAndGrowth() async throws {
        try await withRunningClient(try configuration(maximum: 3, minimum: 2)) { client in
            try await waitUntil(timeout: .seconds(60)) { client.statistics.open == 2 }
            // Hold two connections; a third caller makes the pool open its third.
            try await client.withConnection { (first: RedisConnection) async throws in
                try await client.withConnection { (second: RedisConnection) async throws in
                    #expect(try await first.ping() == "PONG")
                    #expect(try await second.ping() == "PONG")
                    #expect(try await client.ping("third") == "third")
                }
            }
            #expect(client.statistics.open == 3)
        }
    }

    @Test("an exhausted pool fails the next caller with a timeout, then recovers")
    func exhaustion() async throws {
        var configuration = try configuration(maximum: 1)
        configuration.connectionWaitTimeout = .milliseconds(300)
        try await withRunningClient(configuration) { client in
            // The short wait is for the second caller; let the pool open its one connection first.
            try await waitUntil(timeout: .seconds(30)) { client.statistics.open == 1 }
            try await client.withConnection { (held: RedisConnection) async throws in
                let error = await #expect(throws: RedisError.self) { try await client.ping() }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("in use") == true)
                #expect(try await held.ping() == "PONG")
            }
            #expect(try await client.ping() == "PONG")
        }
    }

    @Test("a waiting task that is cancelled stops waiting at once and leaves no waiter behind")
    func cancelledWaiter() async throws {
        var configuration = try configuration(maximum: 1)
        configuration.connectionWaitTimeout = .seconds(60)
        try await withRunningClient(configuration) { client in
            try await client.withConnection { (_: RedisConnection) async throws in
                let waiter = Task { try await client.ping() }
                try await waitUntil(timeout: .seconds(60)) { client.statistics.waiting == 1 }
                let clock = ContinuousClock()
                let start = clock.now
                waiter.cancel()
                let result = await waiter.result
                #expect(clock.now - start < .seconds(30))
                #expect(throws: RedisError.self) { try result.get() }
                #expect(client.statistics.waiting == 0)
            }
            #expect(try await client.ping() == "PONG")
        }
    }

    @Test("a connection killed by the server is discarded and replaced; it is never handed out again")
    func brokenConnectionReplaced() async throws {
        try await withRunningClient(try configuration(maximum: 1)) { client in
            let firstID = try await client.send(["CLIENT", "ID"]).integer
            let opened = client.statistics.opened
            try await RedisConnection.withConnection(
                configuration: try .init(url: TestServers.requireRedisURL()),
                logger: .test
            ) { killer in
                try await killer.send(["CLIENT", "KILL", "ID", "\(firstID ?? -1)"])
            }
            // The next command runs on a new connection, whether the close was noticed before or after the lease.
            var secondID: Int64?
            for _ in 0..<20 {
                if let id = try? await client.send(["CLIENT", "ID"]).integer {
                    secondID = id
                    break
                }
            }
            #expect(secondID != nil && secondID != firstID)
            #expect(client.statistics.opened == opened + 1)
            #expect(client.statistics.open == 1)
        }
    }

    @Test("a pipeline runs on one leased connection with replies in order")
    func pipeline() async throws {
        let key = prefix + "pipelined"
        try await withRunningClient(try configuration(maximum: 2)) { client in
            let commands = (0..<1_000).map { _ in RedisCommand("INCR", key) }
            let replies = try await client.pipeline(commands)
            #expect(replies.compactMap { try? $0.get().integer } == Array(1...1_000))
            try await client.delete(key)
        }
    }

    @Test("graceful shutdown fails waiting callers and refuses new ones")
    func shutdownFailsWaiters() async throws {
        var configuration = try configuration(maximum: 1)
        configuration.connectionWaitTimeout = .seconds(60)
        let client = try RedisClient(configuration: configuration, logger: .test)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await client.withConnection { (_: RedisConnection) async throws in
                let waiter = Task { try await client.ping() }
                try await waitUntil(timeout: .seconds(60)) { client.statistics.waiting == 1 }
                group.cancelAll()
                let error = await #expect(throws: RedisError.self) { try await waiter.value }
                #expect(error?.code == .connectionClosed)
            }
            try await group.waitForAll()
        }
        #expect(client.statistics.open == 0)
    }
}
