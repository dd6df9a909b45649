import Foundation
public import Platform

/// A redis-server of the test's own, on a free loopback port, with no persistence: for tests that stop, freeze
/// (`SIGSTOP`) or kill it (the one `scripts/test` starts is shared: ``TestServers/redisURL``).
public struct PrivateRedis: Sendable {
    /// The server process.
    public let process: ChildProcess
    /// Its port on 127.0.0.1.
    public let port: Int

    /// `redis://127.0.0.1:<port>`.
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts a server and waits until it accepts connections.
    ///
    /// The server is known to be this one's, not another on the same port: it is ready when its own log says it
    /// listens, and a server that could not bind its port (taken meanwhile) is started again on another.
    /// - Throws: What starting `redis-server` throws, or a timeout after 60 s.
    public static func start() async throws -> PrivateRedis {
        var attempt = 0
        while true {
            attempt += 1
            let port = try freePort()
            let process = try ChildProcess(
                executable: "redis-server",
                arguments: [
                    "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                ]
            )
            let server = PrivateRedis(process: process, port: port)
            do {
                try await waitUntil(timeout: .seconds(60)) {
                    !process.isRunning || process.readStandardOutput().contains("Ready to accept connections")
                }
            } catch {
                await server.stop()
                throw error
            }
            if process.isRunning { return server }
            guard attempt < 5 else {
                throw ChildProcessError(
                    code: .launchFailed,
                    message: "redis-server exited at start five times; last output: \(process.readStandardOutput())"
                )
            }
        }
    }

    /// Runs `body` with a fresh server, stopped afterwards whatever happens.
    public static func with<Result: Sendable>(_ body: (PrivateRedis) async throws -> Result) async throws -> Result {
        let server = try await start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Freezes the server (`SIGSTOP`): connections stay open and nothing answers, as with a partition.
    public func freeze() { process.kill(signal: ChildProcess.Signal(rawValue: SIGSTOP)) }

    /// Thaws a frozen server (`SIGCONT`).
    public func thaw() { process.kill(signal: ChildProcess.Signal(rawValue: SIGCONT)) }

    /// Stops the server (thawing it first), waiting up to 5 s.
    public func stop() async {
        thaw()
        _ = try? await process.stop(gracePeriod: .seconds(5))
    }
}
