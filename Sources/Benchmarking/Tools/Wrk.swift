public import Foundation
public import Logging
import Platform

/// Runs the HTTP load generator wrk (`wrk -t T -c C -d Ds --latency -s <script> URL`) and parses its result.
///
/// A Lua `done` hook (``script``) prints one JSON line with the request count, the duration, the errors and
/// the latency percentiles, so nothing depends on wrk's human-readable output.
public struct Wrk: Sendable {
    /// How hard and how long wrk loads the server.
    public struct Configuration: Hashable, Sendable {
        /// wrk's threads (`-t`), at least 1.
        public var threads: Int
        /// Open connections (`-c`), at least `threads`.
        public var connections: Int
        /// How long a run lasts (`-d`), whole seconds, at least 1.
        public var duration: Duration

        /// Creates a configuration.
        public init(threads: Int = 2, connections: Int = 50, duration: Duration = .seconds(5)) {
            self.threads = threads
            self.connections = connections
            self.duration = duration
        }
    }

    /// What one wrk run measured.
    public struct Result: Hashable, Sendable {
        /// Errors wrk counted, by kind.
        public struct Errors: Hashable, Sendable {
            /// Failed connection attempts.
            public var connect: Int
            /// Failed reads.
            public var read: Int
            /// Failed writes.
            public var write: Int
            /// Responses with a status other than 2xx or 3xx.
            public var status: Int
            /// Requests that timed out.
            public var timeout: Int

            /// Creates error counts.
            public init(connect: Int = 0, read: Int = 0, write: Int = 0, status: Int = 0, timeout: Int = 0) {
                self.connect = connect
                self.read = read
                self.write = write
                self.status = status
                self.timeout = timeout
            }

            /// All errors together.
            public var total: Int { connect + read + write + status + timeout }
        }

        /// Completed requests.
        public var requests: Int
        /// How long the run lasted, in microseconds.
        public var durationMicroseconds: Double
        /// Errors by kind.
        public var errors: Errors
        /// Latency percentiles, in microseconds.
        public var latency: LatencyPercentiles

        /// Creates a result.
        public init(requests: Int, durationMicroseconds: Double, errors: Errors, latency: LatencyPercentiles) {
            self.requests = requests
            self.durationMicroseconds = durationMicroseconds
            self.errors = errors
            self.latency = latency
        }

        /// Completed requests per second.
        public var requestsPerSecond: Double {
            durationMicroseconds > 0 ? Double(requests) / (durationMicroseconds / 1_000_000) : 0
        }
    }

    /// The load to apply.
    public var configuration: Configuration
    /// The full path of the wrk executable.
    public let executable: String

    /// Finds wrk and checks the configuration.
    /// - Throws: ``BenchmarkError/Code-swift.struct/toolMissing`` ("wrk is not installed: apt-get install wrk")
    ///   or ``BenchmarkError/Code-swift.struct/invalidArgument``.
    public init(configuration: Configuration, locator: ExecutableLocator = .default) throws {
        guard configuration.threads >= 1, configuration.connections >= configuration.threads else {
            throw BenchmarkError(
                code: .invalidArgument,
                message: "wrk needs at least 1 thread and at least as many connections as threads "
                    + "(threads: \(configuration.threads), connections: \(configuration.connections))"
            )
        }
        guard configuration.duration >= .seconds(1) else {
            throw BenchmarkError(code: .invalidArgument, message: "a wrk run lasts at least 1 second")
        }
        self.configuration = configuration
        self.executable = try locator.locate("wrk")
    }

    /// The arguments of a run against `url` with the Lua script at `scriptPath`.
    public func arguments(url: String, scriptPath: String) -> [String] {
        let seconds = max(1, Int(configuration.duration.components.seconds))
        return [
            "-t", "\(configuration.threads)", "-c", "\(configuration.connections)", "-d", "\(seconds)s",
            "--latency", "-s", scriptPath, url,
        ]
    }

    /// Runs wrk once against `url` and parses its result.
    /// - Parameters:
    ///   - url: The URL to load, such as `http://127.0.0.1:8080/health`.
    ///   - directory: A directory for the script and wrk's output.
    ///   - logger: Receives a `debug` line with the result.
    /// - Throws: ``BenchmarkError/Code-swift.struct/processFailed`` when wrk fails,
    ///   ``BenchmarkError/Code-swift.struct/timedOut`` when it overruns its duration by far,
    ///   ``BenchmarkError/Code-swift.struct/invalidOutput`` when its output has no result line.
    public func run(url: String, directory: URL, logger: Logger) async throws -> Result {
        let script = directory.appendingPathComponent("wrk-report.lua")
        let output = directory.appendingPathComponent("wrk-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        do {
            try Data(Self.script.utf8).write(to: script)
        } catch {
            throw BenchmarkError(code: .processFailed, message: "could not write the wrk script", underlying: error)
        }
        let bound = configuration.duration * 3 + .seconds(15)
        let status = try await ChildProcess.withLaunched(
            name: "wrk",
            executable: executable,
            arguments: arguments(url: url, scriptPath: script.path),
            logFile: output,
            grace: .seconds(2)
        ) { child in
            (try? await child.waitForExit(timeout: bound))?.code
        }
        let text = String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self)
        guard let status else {
            throw BenchmarkError(code: .timedOut, message: "wrk did not finish within \(bound):\n\(text)")
        }
        guard status == 0 else {
            throw BenchmarkError(code: .processFailed, message: "wrk exited with status \(status):\n\(text)")
        }
        let result = try Self.parse(output: text)
        logger.debug(
            "wrk run finished",
            metadata: [
                "benchmark.url": "\(url)",
                "benchmark.requests_per_second": "\(Int(result.requestsPerSecond))",
                "benchmark.errors": "\(result.errors.total)",
            ]
        )
        return result
    }
}
