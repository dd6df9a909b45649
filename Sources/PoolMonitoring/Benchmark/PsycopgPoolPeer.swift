import Benchmarking
import Foundation
import Platform
import Storage

/// psycopg-pool (PyPI; psycopg 3's `AsyncConnectionPool`), shown beside `mastery bench pool`'s `SELECT 1` figures for
/// reference only: it measures Python's asyncio as much as the pool.
///
/// ``run(url:tasks:connections:warmUp:duration:)`` writes the driver (``script``) into a temporary directory and
/// runs it with the Python of the virtual environment `scripts/bootstrap` makes (`.build/test-tools`, where
/// `scripts/requirements.txt` pins psycopg, psycopg-binary and psycopg-pool).
struct PsycopgPoolPeer: Sendable {
    /// What one run measured (the driver's JSON line).
    struct Run: Decodable, Sendable {
        var queries: Int
        var seconds: Double
        var perSecond: Double
        var version: String

        enum CodingKeys: String, CodingKey {
            case queries, seconds, version
            case perSecond = "per_second"
        }
    }

    /// Why the peer cannot be used.
    static let missingMessage = "psycopg-pool is not installed: run scripts/bootstrap (or pass --skip-peers)"

    /// The virtual environment's `python3`.
    var python: String

    /// The virtual environment `.build/test-tools` in the current directory's `.build` or in a `.build` above the
    /// running executable; `MASTERY_PSYCOPG_PYTHON` names another Python. Whether psycopg-pool is importable is
    /// found out when it runs.
    /// - Throws: ``BenchmarkError/Code-swift.struct/toolMissing`` when there is no such Python.
    static func locate() throws -> PsycopgPoolPeer {
        if let python = ProcessInfo.processInfo.environment["MASTERY_PSYCOPG_PYTHON"], !python.isEmpty {
            return PsycopgPoolPeer(python: python)
        }
        var candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                .appendingPathComponent(".build/test-tools/bin/python3").path
        ]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("test-tools/bin/python3").path)
            candidates.append(directory.appendingPathComponent(".build/test-tools/bin/python3").path)
            directory = directory.deletingLastPathComponent()
        }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchmarkError(code: .toolMissing, message: missingMessage)
        }
        return PsycopgPoolPeer(python: python)
    }

    /// Runs `tasks` asyncio tasks doing `SELECT 1` on a pool of `connections`, for `warmUp` then `duration`.
    /// - Parameter url: The server; passed in the environment, never in the arguments.
    /// - Throws: ``BenchmarkError``: `toolMissing` when psycopg-pool cannot be imported, `processFailed`,
    ///   `timedOut` or `invalidOutput` otherwise.
    func run(url: PostgresURL, tasks: Int, connections: Int, warmUp: Duration, duration: Duration) async throws -> Run {
        try await TemporaryDirectory.with(prefix: "mastery-psycopg") { directory in
            let scriptFile = directory.appendingPathComponent("psycopg_pool_peer.py")
            do {
                try Data(Self.script.utf8).write(to: scriptFile)
            } catch {
                throw BenchmarkError(
                    code: .processFailed,
                    message: "could not write \(scriptFile.path)",
                    underlying: error
                )
            }
            let seconds = { (duration: Duration) in duration.microseconds / 1_000_000 }
            let process: ChildProcess
            do {
                process = try ChildProcess(
                    executable: python,
                    arguments: [
                        scriptFile.path, "\(tasks)", "\(connections)", "\(seconds(warmUp))", "\(seconds(duration))",
                    ],
                    environment: [
                        "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                        "MASTERY_PSYCOPG_DSN": url.unredacted,
                    ],
                    inheritsEnvironment: false,
                    workingDirectory: directory,
                    standardOutput: .newFile(in: directory),
                    standardError: .newFile(in: directory),
                    name: "psycopg-pool"
                )
            } catch {
                throw BenchmarkError(code: .processFailed, message: "could not start \(python)", underlying: error)
            }
            let limit = warmUp + duration + .seconds(60)
            let status: ChildProcess.ExitStatus
            do {
                status = try await process.waitForExit(timeout: limit)
            } catch {
                await process.stopUncancelled(grace: .seconds(2))
                throw BenchmarkError(code: .timedOut, message: "the psycopg-pool run took more than \(limit)")
            }
            let errorTail = process.logTail(maxBytes: 800)
            switch status {
            case .exited(0):
                return try Self.parse(output: process.readStandardOutput())
            case .exited(3):
                throw BenchmarkError(code: .toolMissing, message: "\(Self.missingMessage) (\(errorTail))")
            default:
                throw BenchmarkError(code: .processFailed, message: "psycopg-pool ended with \(status): \(errorTail)")
            }
        }
    }

    /// Reads the driver's last JSON line.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidOutput`` or `invalidMeasurement`.
    static func parse(output: String) throws -> Run {
        guard let line = output.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("{") }),
            let run = try? JSONDecoder().decode(Run.self, from: Data(line.utf8))
        else {
            throw BenchmarkError(code: .invalidOutput, message: "psycopg-pool printed no result: \(output.suffix(500))")
        }
        guard run.queries > 0, run.perSecond.isFinite, run.perSecond > 0 else {
            throw BenchmarkError(code: .invalidMeasurement, message: "the psycopg-pool run measured nothing: \(line)")
        }
        return run
    }
}
