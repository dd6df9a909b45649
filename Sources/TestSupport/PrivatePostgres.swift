public import Foundation
import Platform
import Synchronization

/// A PostgreSQL server of the test's own, for tests that stop, restart or reconfigure it (the one `scripts/test`
/// starts is shared: ``TestServers/postgresURL``). initdb and a foreground `postgres` in a throwaway directory
/// under /tmp, on a free loopback port; as root, they run as `postgres` (PostgreSQL refuses root).
public final class PrivatePostgres: Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"

    /// Whether the tests that need one should run: the binaries are there, or the run demands every server.
    public static var shouldRun: Bool {
        TestServers.required || FileManager.default.isExecutableFile(atPath: "\(binaries)/postgres")
    }

    public let directory: URL
    public let port: Int
    /// The running `postgres` (in the foreground: `pg_ctl start` leaves a daemon that ChildProcess waits for).
    let server = Mutex<ChildProcess?>(nil)

    public var dataDirectory: String { directory.appendingPathComponent("data").path }
    public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// Runs `body` with a fresh, started server; stops it and deletes its directory afterwards.
    public static func with<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PrivatePostgres) async throws -> Result
    ) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: "\(binaries)/postgres") else {
            throw MissingTestServer(what: "PostgreSQL 15 binaries in \(binaries) (apt-get install postgresql-15)")
        }
        let directory = URL(fileURLWithPath: "/tmp/mastery-private-pg-\(UUID().uuidString.prefix(8))")
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
    public func start() async throws {
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
        // The port accepts before the server takes sessions ("the database system is starting up", 57P03): wait
        // for pg_isready too, so a pool that fails fast on a refused connect meets a started server.
        try await waitUntil(timeout: .seconds(60), interval: .milliseconds(50)) {
            guard process.isRunning else {
                throw MissingTestServer(what: "postgres exited: \(process.readStandardError().suffix(500))")
            }
            return
                (try? await Self.run(
                    "\(Self.binaries)/pg_isready",
                    ["-q", "-h", "127.0.0.1", "-p", "\(port)"],
                    asPostgres: false
                )) != nil
        }
    }

    /// Stops the server with a fast shutdown (SIGINT: every connection closed), bounded.
    public func stop() async {
        guard let process = server.withLock({ $0.take() }) else { return }
        process.kill(signal: .interrupt)
        if (try? await process.waitForExit(timeout: .seconds(30))) == nil { process.kill() }
    }

    /// Restarts the server (fast shutdown, then start), waiting until it accepts connections again.
    public func restart() async throws {
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
