import Foundation
import Logging
import NIOCore
import NIOPosix
import Platform
import Redis

/// A redis-server of the test's own, on a free port: for tests that set a password or restart the server.
struct RedisTestServer {
    let process: ChildProcess
    let port: Int

    /// Starts `redis-server` with `arguments` added, and waits until it accepts connections.
    /// - Parameter port: The port; a free one when `nil` (give the old port to restart a killed server in its place).
    static func start(_ arguments: [String] = [], port: Int? = nil) async throws -> RedisTestServer {
        let port = try port ?? freePort()
        let process = try ChildProcess(
            executable: "redis-server",
            arguments: [
                "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
            ] + arguments
        )
        let server = RedisTestServer(process: process, port: port)
        do {
            // Generous: on a loaded machine a whole test process can stall for many seconds.
            try await waitUntil(timeout: .seconds(60)) {
                (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
            }
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    func stop() async {
        _ = try? await process.stop(gracePeriod: .seconds(5))
    }

    /// Kills the server with SIGKILL (no shutdown, clients see their connections reset) and waits until it is gone.
    func kill() async throws {
        process.kill(signal: .kill)
        try await process.waitForExit(timeout: .seconds(10))
    }
}

extension Logger {
    /// A logger that drops everything (tests assert on errors, not log lines).
    static let test = Logger(label: "redis-tests") { _ in SwiftLogNoOpLogHandler() }
}
