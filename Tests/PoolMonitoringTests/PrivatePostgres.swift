import Foundation
import Platform
import Synchronization
import TestSupport

/// A copy of JobsTests' `PrivatePostgres` (test targets cannot share it; it belongs in TestSupport).
///
/// A PostgreSQL server of the test's own (initdb + pg_ctl in a throwaway directory under /tmp, on a free
/// loopback port), for tests that restart it. As root, its tools run as `postgres` (PostgreSQL refuses root).
final class PrivatePostgres: Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"

    /// Whether the tests that need one should run: the binaries are there, or the run demands every server.
    static var shouldRun: Bool {
        TestServers.required || FileManager.default.isExecutableFile(atPath: "\(binaries)/postgres")
    }

    let directory: URL
    let port: Int
    /// The running `postgres` (in the foreground: `pg_ctl start` leaves a daemon that ChildProcess waits for).
    let server = Mutex<ChildProcess?>(nil)

    var dataDirectory: String { directory.appendingPathComponent("data").path }
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// Runs `body` with a fresh, started server; stops it and deletes its directory afterwards.
    static func with<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PrivatePostgres) async throws -> Result
    ) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: "\(binaries)/postgres") else {
            throw MissingTestServer(what: "PostgreSQL 15 binaries in \(binaries) (apt-get install postgresql-15)")
        }
        let directory = URL(fileURLWithPath: "/tmp/mastery-pools-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        if getuid() == 0 {
            try await run("/bin/chown", ["postgres:", directory.path], asPostgres: false)
        }
        let server = PrivatePostgres(directory: directory, port: try freePort())
        do {
            try await run(
                "\(binaries)/initdb",
                ["-D", server.dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
                asPostgres: getuid() == 0
            )
            try await server.start()
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Starts `postgres` in the foreground and waits (bounded) until it accepts connections.
    func start() async throws {
        let arguments = [
            "-D", dataDirectory, "-p", "\(port)", "-k", directory.path, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
        ]
        let executable = "\(Self.binaries)/postgres"
        let process =
            getuid() == 0
            ? try ChildProcess(
                executable: "runuser",
                arguments: ["-u", "postgres", "--", executable] + arguments,
                workingDirectory: URL(fileURLWithPath: "/"),
                name: "private-postgres"
            )
            : try ChildProcess(
                executable: executable,
                arguments: arguments,
                workingDirectory: URL(fileURLWithPath: "/"),
                name: "private-postgres"
            )
        server.withLock { $0 = process }
        try await waitUntil(timeout: .seconds(60), interval: .milliseconds(50)) {
            guard process.isRunning else {
                throw MissingTestServer(what: "postgres exited: \(process.readStandardError().suffix(500))")
            }
            return (try? RawConnection(port: port)) != nil
        }
    }

    /// Stops the server with a fast shutdown (SIGINT: every connection closed), bounded.
    func stop() async {
        guard let process = server.withLock({ $0.take() }) else { return }
        process.kill(signal: .interrupt)
        if (try? await process.waitForExit(timeout: .seconds(30))) == nil { process.kill() }
    }

    /// Restarts the server (fast shutdown, then start), waiting until it accepts connections again.
    func restart() async throws {
        await stop()
        try await start()
    }

    static func run(_ executable: String, _ arguments: [String], asPostgres: Bool) async throws {
        let process =
            asPostgres
            ? try ChildProcess(
                executable: "runuser",
                arguments: ["-u", "postgres", "--", executable] + arguments,
                workingDirectory: URL(fileURLWithPath: "/")
            )
            : try ChildProcess(
                executable: executable,
                arguments: arguments,
                workingDirectory: URL(fileURLWithPath: "/")
            )
        let status = try await process.waitForExit(timeout: .seconds(120))
        guard status == .exited(0) else {
            throw MissingTestServer(
                what: "\(executable) \(arguments.first ?? "") failed (\(status)): \(process.readStandardError())"
            )
        }
    }
}
