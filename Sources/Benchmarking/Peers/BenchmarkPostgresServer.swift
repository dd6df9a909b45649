public import Foundation
import NIOCore
import NIOPosix
public import Platform

/// A throwaway PostgreSQL 15 server for benchmarks: `initdb` into a fresh folder under /tmp and `postgres` in the
/// foreground on a free loopback port, stopped (and its folder removed) when the body returns. Durable by default
/// (fsync and synchronous_commit as PostgreSQL ships them). As root, both run as the `postgres` user, since
/// PostgreSQL refuses to run as root.
public enum BenchmarkPostgresServer {
    /// Where the server listens.
    public struct Running: Sendable {
        /// Its port on 127.0.0.1.
        public var port: Int
        /// `postgres://postgres@127.0.0.1:port/postgres` (trust authentication on loopback).
        public var url: String
        /// The server's log.
        public var logFile: URL
    }

    /// The PostgreSQL 15 binaries' folder on Debian.
    public static let binaries = "/usr/lib/postgresql/15/bin"

    /// Starts the server with extra `-c name=value` settings, runs `body` once it accepts connections, then stops it.
    /// - Throws: ``BenchmarkError`` when PostgreSQL is not installed or does not start; whatever `body` throws.
    public static func withRunning<Result: Sendable>(
        settings: [String: String] = [:],
        _ body: (Running) async throws -> Result
    ) async throws -> Result {
        let initdb = "\(binaries)/initdb"
        let postgres = "\(binaries)/postgres"
        guard FileManager.default.isExecutableFile(atPath: initdb),
            FileManager.default.isExecutableFile(atPath: postgres)
        else {
            throw BenchmarkError(
                code: .toolMissing,
                message: "PostgreSQL 15 is not installed: apt-get install postgresql-15 (or pass --postgres-url)"
            )
        }
        let asRoot = getuid() == 0
        let wrapper = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("mastery-bench-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let logFile = folder.appendingPathComponent("postgres.log")
        if asRoot {
            let chown = try ChildProcess(
                executable: "/bin/chown",
                arguments: ["-R", "postgres", folder.path],
                name: "chown"
            )
            _ = try await chown.waitForExit(timeout: .seconds(10))
        }
        let setup = try ChildProcess(
            executable: wrapper.first ?? initdb,
            arguments: Array(wrapper.dropFirst()) + (asRoot ? [initdb] : []) + [
                "-D", data.path, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            ],
            workingDirectory: URL(fileURLWithPath: "/"),
            name: "initdb"
        )
        guard try await setup.waitForExit(timeout: .seconds(60)) == .exited(0) else {
            throw BenchmarkError(
                code: .processFailed,
                message: "initdb failed: \(setup.readStandardError().suffix(500))"
            )
        }
        let port = try freePort()
        var arguments = ["-D", data.path, "-p", "\(port)", "-k", folder.path, "-c", "listen_addresses=127.0.0.1"]
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { arguments += ["-c", "\(name)=\(value)"] }
        return try await ChildProcess.withLaunched(
            name: "postgres",
            executable: wrapper.first ?? postgres,
            arguments: Array(wrapper.dropFirst()) + (asRoot ? [postgres] : []) + arguments,
            logFile: logFile
        ) { _ in
            try await waitUntil(timeout: .seconds(30)) {
                (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
            }
            return try await body(
                Running(port: port, url: "postgres://postgres@127.0.0.1:\(port)/postgres", logFile: logFile)
            )
        }
    }
}
