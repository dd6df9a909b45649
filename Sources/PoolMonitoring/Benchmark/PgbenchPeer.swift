import Benchmarking
import Foundation
import Platform
import Storage

/// pgbench (PostgreSQL 15's own load generator, in C on libpq), the ceiling of `mastery bench pool`'s `SELECT 1`
/// throughput: a custom script holding only `SELECT 1;`, `-c` clients (each on its own connection: pgbench has no
/// pool) on `-j` threads for `-T` seconds, no vacuum (`-n`), the simple query protocol (pgbench's default).
struct PgbenchPeer: Sendable {
    /// Where Debian's PostgreSQL 15 puts it.
    static let defaultExecutable = "/usr/lib/postgresql/15/bin/pgbench"

    /// The path of `pgbench`.
    var executable: String

    /// pgbench at its Debian path, or in `PATH`.
    /// - Throws: ``BenchmarkError/Code-swift.struct/toolMissing`` naming the package that installs it.
    static func locate() throws -> PgbenchPeer {
        if FileManager.default.isExecutableFile(atPath: defaultExecutable) {
            return PgbenchPeer(executable: defaultExecutable)
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/pgbench"
            if FileManager.default.isExecutableFile(atPath: path) { return PgbenchPeer(executable: path) }
        }
        throw BenchmarkError(
            code: .toolMissing,
            message: "pgbench is not installed: apt-get install postgresql-15 (or pass --skip-peers)"
        )
    }

    /// Runs `SELECT 1` for `seconds` with `clients` connections on `threads` threads.
    /// - Parameters:
    ///   - url: The server; the password and `sslmode` go in the environment (`PGPASSWORD`, `PGSSLMODE`), never
    ///     in the arguments.
    ///   - clients: Concurrent clients, one connection each.
    ///   - threads: pgbench's worker threads.
    ///   - seconds: The run's length.
    /// - Returns: Transactions (each one `SELECT 1`) per second, without the initial connection time.
    /// - Throws: ``BenchmarkError``: `processFailed` when pgbench fails, `invalidOutput` when it prints no rate,
    ///   `timedOut` when it runs far past `seconds`.
    func run(url: PostgresURL, clients: Int, threads: Int, seconds: Int) async throws -> Double {
        try await TemporaryDirectory.with(prefix: "mastery-pgbench") { directory in
            let script = directory.appendingPathComponent("select1.sql")
            do {
                try Data("SELECT 1;\n".utf8).write(to: script)
            } catch {
                throw BenchmarkError(code: .processFailed, message: "could not write \(script.path)", underlying: error)
            }
            var environment = ["PGSSLMODE": url.sslMode.description, "PGAPPNAME": "mastery-bench-pgbench"]
            if let password = url.password { environment["PGPASSWORD"] = password }
            let arguments = [
                "-h", url.host, "-p", "\(url.port)", "-U", url.username, "-c", "\(clients)", "-j", "\(threads)",
                "-T", "\(seconds)", "-n", "-f", script.path, url.database,
            ]
            let process: ChildProcess
            do {
                process = try ChildProcess(
                    executable: executable,
                    arguments: arguments,
                    environment: environment,
                    workingDirectory: directory,
                    standardOutput: .newFile(in: directory),
                    standardError: .newFile(in: directory),
                    name: "pgbench"
                )
            } catch {
                throw BenchmarkError(code: .processFailed, message: "could not start \(executable)", underlying: error)
            }
            let status: ChildProcess.ExitStatus
            do {
                status = try await process.waitForExit(timeout: .seconds(seconds + 60))
            } catch {
                await process.stopUncancelled(grace: .seconds(2))
                throw BenchmarkError(code: .timedOut, message: "pgbench ran for more than \(seconds + 60) s")
            }
            guard status.isSuccess else {
                throw BenchmarkError(
                    code: .processFailed,
                    message: "pgbench ended with \(status): \(process.logTail(maxBytes: 800))"
                )
            }
            return try Self.parse(output: process.readStandardOutput())
        }
    }

    /// Reads the rate from pgbench's report: the line `tps = 51234.5 (without initial connection time)`.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidOutput`` when there is no such line, or
    ///   `invalidMeasurement` when the rate is not positive or some transactions failed.
    static func parse(output: String) throws -> Double {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if let failed = lines.first(where: { $0.hasPrefix("number of failed transactions:") }),
            !failed.dropFirst("number of failed transactions:".count).trimmingCharacters(in: .whitespaces)
                .hasPrefix("0 ")
        {
            throw BenchmarkError(code: .invalidMeasurement, message: "pgbench reported errors: \(failed)")
        }
        guard let line = lines.first(where: { $0.hasPrefix("tps = ") }),
            let value = Double(line.dropFirst("tps = ".count).prefix { !$0.isWhitespace })
        else {
            throw BenchmarkError(code: .invalidOutput, message: "pgbench printed no tps line:\n\(output.suffix(800))")
        }
        guard value.isFinite, value > 0 else {
            throw BenchmarkError(code: .invalidMeasurement, message: "pgbench measured \(value) tps")
        }
        return value
    }
}
