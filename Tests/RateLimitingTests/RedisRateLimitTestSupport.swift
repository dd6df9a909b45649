import Foundation
import Logging
import NIOCore
import NIOPosix
import Platform
import RateLimiting
import Redis
import Storage
import Synchronization
import TestSupport

/// Helpers for the Redis-backed rate-limit tests.
enum RedisRateLimitTesting {
    /// A logger that drops everything.
    static let quietLogger = Logger(label: "ratelimit-tests") { _ in SwiftLogNoOpLogHandler() }

    /// A Redis policy store under a key prefix of its own.
    static func policyStore(_ client: RedisClient) -> RedisRateLimitPolicyStore {
        RedisRateLimitPolicyStore(client: client, keyPrefix: TestServers.uniqueKeyPrefix() + "rl", logger: quietLogger)
    }

    /// A throwaway SQLite database with the policy table migrated, closed afterwards.
    static func withPolicyDatabase<Result: Sendable>(
        _ body: (SQLiteStorage) async throws -> Result
    ) async throws -> Result {
        try await TestSQLite.withTemporaryPath { path in
            let storage = try SQLiteStorage(path: path)
            try await storage.migrate([SQLiteRateLimitPolicyStore.migrations], logger: quietLogger)
            return try await body(storage)
        }
    }

    /// A pool on `url` (the test script's server unless given), running while `body` runs.
    /// - Parameters:
    ///   - maximumConnections: The pool's size.
    ///   - fastFailures: Short command timeout (500 ms), connection wait (500 ms) and reconnect pauses (50-200 ms).
    static func withClient<Result: Sendable>(
        url: String? = nil,
        maximumConnections: Int = 16,
        fastFailures: Bool = false,
        _ body: (RedisClient) async throws -> Result
    ) async throws -> Result {
        var configuration = try RedisClient.Configuration(url: url ?? TestServers.requireRedisURL())
        configuration.maximumConnections = maximumConnections
        // Generous waits: these tests are about decisions, not deadlines, and share two cores with a few hundred
        // other tests (a starved connect must not fail them). fastFailures tests set their own short bounds.
        configuration.connectionWaitTimeout = .seconds(60)
        configuration.connection.commandTimeout = .seconds(60)
        if fastFailures {
            configuration.connection.commandTimeout = .milliseconds(500)
            configuration.connectionWaitTimeout = .milliseconds(500)
            configuration.reconnectBackoff = RedisBackoff(
                initialDelay: .milliseconds(50),
                maximumDelay: .milliseconds(200)
            )
        }
        let client = try RedisClient(configuration: configuration, logger: quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// A subscriber on the test script's server, running while `body` runs.
    static func withSubscriber<Result: Sendable>(
        _ body: (RedisSubscriber) async throws -> Result
    ) async throws -> Result {
        let configuration = RedisSubscriber.Configuration(connection: try .init(url: TestServers.requireRedisURL()))
        let subscriber = try RedisSubscriber(configuration: configuration, logger: quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await subscriber.run() }
            defer { group.cancelAll() }
            return try await body(subscriber)
        }
    }
}

/// A redis-server of the test's own, on a free port: for tests that stop, freeze or kill it.
typealias OwnRedisServer = PrivateRedis

/// A deterministic random number generator (SplitMix64), so a failing scenario replays exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An executor that records the commands it forwards (encoded), to check what goes over the wire.
final class RecordingExecutor: RedisCommandExecutor {
    let inner: any RedisCommandExecutor
    private let commands = Mutex<[String]>([])

    init(_ inner: any RedisCommandExecutor) { self.inner = inner }

    func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        let text = String(buffer: buffer)
        commands.withLock { $0.append(text) }
        return try await inner.send(command, timeout: timeout)
    }

    /// Each recorded command's arguments (the RESP bulk strings, decoded).
    var recorded: [[String]] {
        commands.withLock { $0 }.map { encoded in
            // *N\r\n then $len\r\nvalue\r\n per argument; values here are ASCII without CRLF.
            let parts = encoded.components(separatedBy: "\r\n")
            return stride(from: 2, to: parts.count, by: 2).map { parts[$0] }
        }
    }
}
