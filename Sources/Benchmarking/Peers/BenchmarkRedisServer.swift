public import Foundation
public import Logging
import NIOCore
import NIOPosix
public import Platform
public import Redis

/// The throwaway redis-server a Redis benchmark measures against, and our client's pool on it: shared by
/// `mastery bench redis` and the Redis part of `mastery bench ratelimit`.
public enum BenchmarkRedisServer {
    /// What a benchmark gets: where the server listens, `redis-benchmark`, and the server's log (for errors).
    public struct Running: Sendable {
        public var port: Int
        public var tool: RedisBenchmarkTool
        public var logFile: URL
    }

    /// Starts redis-server (no persistence) on a free loopback port in a temporary folder, runs `body` once it
    /// accepts connections, then stops it.
    /// - Throws: ``BenchmarkError`` when redis-server or redis-benchmark is missing or the server does not start;
    ///   whatever `body` throws.
    public static func withRunning<Result: Sendable>(
        prefix: String,
        _ body: (Running) async throws -> Result
    ) async throws -> Result {
        let locator = ExecutableLocator.default
        let serverPath = try locator.locate("redis-server", package: "redis-server")
        let tool = RedisBenchmarkTool(executable: try locator.locate("redis-benchmark", package: "redis-tools"))
        return try await TemporaryDirectory.with(prefix: prefix) { directory in
            let port = try freePort()
            let logFile = directory.appendingPathComponent("redis.log")
            let arguments = [
                "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", directory.path,
            ]
            return try await ChildProcess.withLaunched(
                name: "redis-server",
                executable: serverPath,
                arguments: arguments,
                logFile: logFile
            ) { _ in
                try await waitUntil(timeout: .seconds(20)) {
                    (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
                }
                return try await body(Running(port: port, tool: tool, logFile: logFile))
            }
        }
    }

    /// Runs `body` with a client pool of exactly `connections` open connections to the server on `port`.
    public static func withClient<Result: Sendable>(
        port: Int,
        connections: Int,
        logger: Logger,
        _ body: (RedisClient) async throws -> Result
    ) async throws -> Result {
        var configuration = RedisClient.Configuration(
            connection: .init(port: port),
            minimumConnections: connections,
            maximumConnections: connections
        )
        configuration.connection.clientName = "mastery-bench"
        let client = try RedisClient(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            try await waitUntil(timeout: .seconds(30)) { client.statistics.open == connections }
            return try await body(client)
        }
    }
}
