public import Benchmarking
import Foundation
import Platform

/// pgqueuer (PyPI), the peer of `mastery bench jobs`: it burns down the same no-op jobs on the same PostgreSQL,
/// durably (logged tables; `fsync` and `synchronous_commit` as the server has them).
///
/// ``run(python:postgresURL:jobs:batchSize:consumers:timeout:mode:autovacuumTuning:schema:)`` writes the Python
/// driver (``script``) into a fresh temporary directory and runs it with the Python of the virtual environment
/// that `scripts/bootstrap` makes (`.build/test-tools`, where `scripts/requirements.txt` pins pgqueuer, asyncpg
/// and uvloop). One round:
///
/// 1. drops and recreates the schema `schema` and installs pgqueuer's tables in it (`pgq install`, durable), with
///    pgqueuer's recommended autovacuum settings (`pgq autovac`) when `autovacuumTuning` is on;
/// 2. enqueues `jobs` jobs with no payload in bulk (pgqueuer's list enqueue, 10,000 a statement), timed;
/// 3. starts `consumers` pgqueuer `QueueManager`s (asyncpg, uvloop, drain mode), each on its own connection, as
///    separate processes or as asyncio tasks of one process (``ConsumerMode``); the clock starts when all are
///    connected and stops when the last one has returned, its completions written;
/// 4. checks in the database that `jobs` jobs are logged `successful` and none is left in the queue.
///
/// The driver prints one JSON line, read into ``PgQueuerRound``.
public enum PgQueuerPeer: Sendable {
    /// How the consumers run.
    public enum ConsumerMode: String, Hashable, Sendable, CaseIterable, Codable {
        /// Each consumer is a process of its own (`multiprocessing`, spawned), with one event loop.
        case processes
        /// All consumers are asyncio tasks of one process, sharing its event loop.
        case tasks
    }

    /// A usable pgqueuer: the Python to run the driver with, and the installed version.
    public struct Installation: Hashable, Sendable {
        /// The virtual environment's `python3`.
        public var python: String
        /// pgqueuer's version, such as `1.6.0`, as installed.
        public var version: String

        /// Creates an installation.
        public init(python: String, version: String) {
            self.python = python
            self.version = version
        }
    }

    /// The settings the sweep of 2026-12-07 found best on this project's shared 2-core machine (100,000 jobs,
    /// ``Sweep/published`` and repeats of the leading cells): batches of 500, four consumer processes, pgqueuer's
    /// autovacuum tuning on. Tasks instead of processes, and the tuning off, were within the noise of it.
    public static let bestBatchSize = 500
    /// See ``bestBatchSize``.
    public static let bestConsumers = 4
    /// See ``bestBatchSize``.
    public static let bestMode = ConsumerMode.processes
    /// See ``bestBatchSize``.
    public static let bestAutovacuumTuning = true

    /// The schema each round drops and recreates.
    public static let defaultSchema = "mastery_pgqueuer_bench"

    /// Why pgqueuer cannot be used, as a benchmark reports it before anything starts.
    public static let missingMessage = "pgqueuer is not installed: run scripts/bootstrap"

    /// The exit status with which the driver says a module is missing.
    static let missingModuleStatus: Int32 = 3
    /// The exit status with which the driver says it ran out of time.
    static let timedOutStatus: Int32 = 2

    /// Finds the virtual environment `.build/test-tools` that `scripts/bootstrap` makes, and pgqueuer (with asyncpg
    /// and uvloop) in it: in the current directory's `.build`, or in a `.build` above the running executable
    /// (`.build/release/mastery`). `MASTERY_PGQUEUER_PYTHON` names another Python to use instead.
    /// - Returns: The installation, or ``BenchmarkError/Code-swift.struct/toolMissing`` naming what is missing
    ///   (``missingMessage``).
    public static func locate() -> Result<Installation, BenchmarkError> {
        let environment = ProcessInfo.processInfo.environment
        if let python = environment["MASTERY_PGQUEUER_PYTHON"], !python.isEmpty {
            return locate(candidates: [python])
        }
        var candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                .appendingPathComponent(".build/test-tools/bin/python3").path
        ]
        // `.build/release/mastery` is `.build/<triple>/release/mastery` behind a link: look a few levels up.
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("test-tools/bin/python3").path)
            candidates.append(directory.appendingPathComponent(".build/test-tools/bin/python3").path)
            directory = directory.deletingLastPathComponent()
        }
        return locate(candidates: candidates)
    }

    /// The first of `candidates` (paths of a virtual environment's `python3`) whose environment holds pgqueuer,
    /// asyncpg and uvloop.
    public static func locate(candidates: [String]) -> Result<Installation, BenchmarkError> {
        let fileManager = FileManager.default
        var foundPython: String?
        for python in candidates where fileManager.isExecutableFile(atPath: python) {
            foundPython = foundPython ?? python
            // The venv's `python3` links to the system's: its environment is two levels up from the link itself.
            let environment = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent()
            guard let version = installedVersion(in: environment) else { continue }
            return .success(Installation(python: python, version: version))
        }
        let detail =
            foundPython.map { " (\($0) has no pgqueuer, asyncpg and uvloop)" }
            ?? " (no .build/test-tools/bin/python3 in \(fileManager.currentDirectoryPath) or beside the executable)"
        return .failure(BenchmarkError(code: .toolMissing, message: missingMessage + detail))
    }

    /// pgqueuer's version when `environment/lib/python3.*/site-packages` holds pgqueuer, asyncpg and uvloop.
    static func installedVersion(in environment: URL) -> String? {
        let fileManager = FileManager.default
        let lib = environment.appendingPathComponent("lib")
        guard let pythons = try? fileManager.contentsOfDirectory(atPath: lib.path) else { return nil }
        for python in pythons.sorted() where python.hasPrefix("python3") {
            let packages = lib.appendingPathComponent(python).appendingPathComponent("site-packages")
            guard let entries = try? fileManager.contentsOfDirectory(atPath: packages.path) else { continue }
            let modules = ["pgqueuer", "asyncpg", "uvloop"]
            guard modules.allSatisfy({ entries.contains($0) }) else { continue }
            let distribution = entries.first { $0.hasPrefix("pgqueuer-") && $0.hasSuffix(".dist-info") }
            guard let distribution else { continue }
            return String(distribution.dropFirst("pgqueuer-".count).dropLast(".dist-info".count))
        }
        return nil
    }

    /// Runs one round (see ``PgQueuerPeer``) and returns what the driver measured.
    /// - Parameters:
    ///   - python: ``Installation/python``.
    ///   - postgresURL: `postgres://user:password@host:port/database`; passed in the environment, never in the
    ///     arguments. The round drops and recreates `schema` there.
    ///   - jobs: How many jobs to enqueue and burn down.
    ///   - batchSize: pgqueuer's dequeue batch size (`QueueManager.run(batch_size:)`).
    ///   - consumers: How many `QueueManager`s, each on its own connection.
    ///   - timeout: The bound of the whole round (schema, enqueue, burn-down, check).
    ///   - mode: Consumers as processes or as asyncio tasks.
    ///   - autovacuumTuning: Whether pgqueuer's recommended autovacuum settings are applied.
    ///   - schema: The PostgreSQL schema of the round (a plain lower-case identifier).
    /// - Throws: ``BenchmarkError``: `toolMissing` when pgqueuer cannot be imported, `timedOut` past `timeout`,
    ///   `processFailed` when the driver fails (its standard error in the message), `invalidOutput` when it prints
    ///   something else than the expected line, `invalidArgument` for a count below 1.
    public static func run(
        python: String,
        postgresURL: String,
        jobs: Int,
        batchSize: Int,
        consumers: Int,
        timeout: Duration,
        mode: ConsumerMode = bestMode,
        autovacuumTuning: Bool = bestAutovacuumTuning,
        schema: String = defaultSchema
    ) async throws -> PgQueuerRound {
        guard jobs >= 1, batchSize >= 1, consumers >= 1, timeout > .zero else {
            throw BenchmarkError(
                code: .invalidArgument,
                message: "pgqueuer: jobs, batch size, consumers and timeout must be positive"
            )
        }
        let seconds = max(1, Int(timeout.components.seconds))
        let arguments = [
            "--jobs", "\(jobs)", "--batch-size", "\(batchSize)", "--consumers", "\(consumers)",
            "--mode", mode.rawValue, "--autovac", autovacuumTuning ? "on" : "off", "--schema", schema,
            "--timeout", "\(seconds)",
        ]
        return try await TemporaryDirectory.with(prefix: "mastery-pgqueuer") { directory in
            let scriptFile = directory.appendingPathComponent("pgqueuer_peer.py")
            let outputFile = directory.appendingPathComponent("stdout.log")
            let errorFile = directory.appendingPathComponent("stderr.log")
            do {
                try Data(script.utf8).write(to: scriptFile)
            } catch {
                throw BenchmarkError(
                    code: .processFailed,
                    message: "could not write \(scriptFile.path)",
                    underlying: error
                )
            }
            let process: ChildProcess
            do {
                process = try ChildProcess(
                    executable: python,
                    arguments: [scriptFile.path] + arguments,
                    // Its own environment: no PGQUEUER_* variable of the caller renames pgqueuer's tables.
                    environment: [
                        "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                        "MASTERY_PGQUEUER_DSN": postgresURL,
                    ],
                    inheritsEnvironment: false,
                    workingDirectory: directory,
                    standardOutput: .file(outputFile),
                    standardError: .file(errorFile),
                    name: "pgqueuer"
                )
            } catch {
                throw BenchmarkError(code: .processFailed, message: "could not start \(python)", underlying: error)
            }
            // The driver bounds itself; past its bound and a margin for Python's start, it is killed (with its
            // consumer processes: the signal goes to the process group).
            let status: ChildProcess.ExitStatus
            do {
                status = try await process.waitForExit(timeout: timeout + .seconds(30))
            } catch {
                await process.stopUncancelled(grace: .seconds(2))
                throw BenchmarkError(code: .timedOut, message: "the pgqueuer round ran for more than \(timeout)")
            }
            // The end of what it said: its own message, or the last lines of a Python traceback.
            let errorLines = process.readStandardError().split(whereSeparator: \.isNewline).suffix(4)
            let errorTail = String(errorLines.joined(separator: "\n").suffix(1500))
            switch status {
            case .exited(0):
                return try parse(output: process.readStandardOutput())
            case .exited(missingModuleStatus):
                throw BenchmarkError(code: .toolMissing, message: "\(missingMessage) (\(errorTail))")
            case .exited(timedOutStatus):
                throw BenchmarkError(code: .timedOut, message: "pgqueuer: \(errorTail)")
            default:
                throw BenchmarkError(
                    code: .processFailed,
                    message:
                        "the pgqueuer round (\(arguments.joined(separator: " "))) ended with \(status): \(errorTail)"
                )
            }
        }
    }

    /// Reads the driver's output: its last line that is a JSON object.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidOutput`` when there is none or it is not the expected
    ///   object; ``BenchmarkError/Code-swift.struct/invalidMeasurement`` when its figures are not positive.
    public static func parse(output: String) throws -> PgQueuerRound {
        guard let line = output.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("{") }) else {
            throw BenchmarkError(code: .invalidOutput, message: "the pgqueuer driver printed no result:\n\(output)")
        }
        let round: PgQueuerRound
        do {
            round = try JSONDecoder().decode(PgQueuerRound.self, from: Data(line.utf8))
        } catch {
            throw BenchmarkError(
                code: .invalidOutput,
                message: "the pgqueuer driver's result is not valid: \(line)",
                underlying: error
            )
        }
        guard round.jobs > 0, round.burndownSeconds > 0, round.jobsPerSecond.isFinite, round.jobsPerSecond > 0 else {
            throw BenchmarkError(code: .invalidMeasurement, message: "the pgqueuer round measured nothing: \(line)")
        }
        return round
    }
}

/// What one pgqueuer round measured (the driver's JSON line).
public struct PgQueuerRound: Hashable, Sendable, Codable {
    /// Jobs enqueued and burnt down (checked in the database).
    public var jobs: Int
    /// The bulk enqueue of all jobs.
    public var enqueueSeconds: Double
    /// From all consumers ready to the last one done, its completions written.
    public var burndownSeconds: Double
    /// `jobs / burndownSeconds`.
    public var jobsPerSecond: Double
    /// Consumers (`QueueManager`s).
    public var consumers: Int
    /// pgqueuer's dequeue batch size.
    public var batchSize: Int
    /// Processes or tasks.
    public var mode: PgQueuerPeer.ConsumerMode
    /// Whether pgqueuer's autovacuum settings were applied.
    public var autovacuumTuning: Bool
    /// pgqueuer's version, such as `1.6.0`.
    public var pgqueuerVersion: String

    /// Creates a round's result.
    public init(
        jobs: Int,
        enqueueSeconds: Double,
        burndownSeconds: Double,
        jobsPerSecond: Double,
        consumers: Int,
        batchSize: Int,
        mode: PgQueuerPeer.ConsumerMode,
        autovacuumTuning: Bool,
        pgqueuerVersion: String
    ) {
        self.jobs = jobs
        self.enqueueSeconds = enqueueSeconds
        self.burndownSeconds = burndownSeconds
        self.jobsPerSecond = jobsPerSecond
        self.consumers = consumers
        self.batchSize = batchSize
        self.mode = mode
        self.autovacuumTuning = autovacuumTuning
        self.pgqueuerVersion = pgqueuerVersion
    }

    enum CodingKeys: String, CodingKey {
        case jobs
        case enqueueSeconds = "enqueue_seconds"
        case burndownSeconds = "burndown_seconds"
        case jobsPerSecond = "jobs_per_second"
        case consumers
        case batchSize = "batch_size"
        case mode
        case autovacuumTuning = "autovac"
        case pgqueuerVersion = "pgqueuer_version"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jobs = try container.decode(Int.self, forKey: .jobs)
        enqueueSeconds = try container.decode(Double.self, forKey: .enqueueSeconds)
        burndownSeconds = try container.decode(Double.self, forKey: .burndownSeconds)
        jobsPerSecond = try container.decode(Double.self, forKey: .jobsPerSecond)
        consumers = try container.decode(Int.self, forKey: .consumers)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        mode = try container.decode(PgQueuerPeer.ConsumerMode.self, forKey: .mode)
        autovacuumTuning = try container.decode(String.self, forKey: .autovacuumTuning) == "on"
        pgqueuerVersion = try container.decode(String.self, forKey: .pgqueuerVersion)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobs, forKey: .jobs)
        try container.encode(enqueueSeconds, forKey: .enqueueSeconds)
        try container.encode(burndownSeconds, forKey: .burndownSeconds)
        try container.encode(jobsPerSecond, forKey: .jobsPerSecond)
        try container.encode(consumers, forKey: .consumers)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(mode, forKey: .mode)
        try container.encode(autovacuumTuning ? "on" : "off", forKey: .autovacuumTuning)
        try container.encode(pgqueuerVersion, forKey: .pgqueuerVersion)
    }
}
