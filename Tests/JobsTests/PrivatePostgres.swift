import Foundation
import Platform
import TestSupport

/// A PostgreSQL server of the test's own (initdb + pg_ctl in a throwaway directory under /tmp, on a free
/// loopback port), for tests that restart it. As root, its tools run as `postgres` (PostgreSQL refuses root).
struct PrivatePostgres {
    static let binaries = "/usr/lib/postgresql/15/bin"

    /// Whether the tests that need one should run: the binaries are there, or the run demands every server.
    static var shouldRun: Bool {
        TestServers.required || FileManager.default.isExecutableFile(atPath: "\(binaries)/pg_ctl")
    }

    let directory: URL
    let port: Int

    var dataDirectory: String { directory.appendingPathComponent("data").path }
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    /// Runs `body` with a fresh, started server; stops it and deletes its directory afterwards.
    static func with<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PrivatePostgres) async throws -> Result
    ) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: "\(binaries)/pg_ctl") else {
            throw MissingTestServer(what: "PostgreSQL 15 binaries in \(binaries) (apt-get install postgresql-15)")
        }
        let directory = URL(fileURLWithPath: "/tmp/mastery-jobs-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        if getuid() == 0 {
            try await run("/bin/chown", ["postgres:", directory.path], asPostgres: false)
        }
        let server = PrivatePostgres(directory: directory, port: try freePort())
        do {
            try await server.pg(
                "initdb",
                ["-D", server.dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
            )
            try await server.start()
            let result = try await body(server)
            try? await server.pg("pg_ctl", ["-D", server.dataDirectory, "-m", "immediate", "-w", "stop"])
            return result
        } catch {
            try? await server.pg("pg_ctl", ["-D", server.dataDirectory, "-m", "immediate", "-w", "stop"])
            throw error
        }
    }

    /// Starts the server and waits until it accepts connections.
    func start() async throws {
        try await pg(
            "pg_ctl",
            [
                "-D", dataDirectory, "-l", directory.appendingPathComponent("postgres.log").path, "-w", "-t", "60",
                "start", "-o", "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off",
            ]
        )
    }

    /// Restarts the server (fast shutdown: every connection is closed), waiting until it accepts connections.
    func restart() async throws {
        try await pg("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"])
        try await start()
    }

    func pg(_ tool: String, _ arguments: [String]) async throws {
        try await Self.run("\(Self.binaries)/\(tool)", arguments, asPostgres: getuid() == 0)
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
