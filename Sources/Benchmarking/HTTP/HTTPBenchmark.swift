import Foundation
public import Logging
import Platform

/// `mastery bench http`: requests/s and latency of our server's `/health` beside nginx serving a static
/// response of the same size on the same machine.
///
/// It starts our server and nginx as child processes, alternates wrk rounds against both
/// (``PeerComparison``), then alternates latency probes (``LatencyProbe``, HdrHistogram), and reports the
/// figures of both sides with the median ratio and its spread. Both children are stopped whatever happens.
public struct HTTPBenchmark: Sendable {
    /// How long and how hard to measure.
    public struct Configuration: Hashable, Sendable {
        /// Alternating rounds per comparison, at least 1.
        public var rounds = 5
        /// How long each wrk run lasts (whole seconds, at least 1).
        public var duration: Duration = .seconds(5)
        /// wrk's open connections.
        public var connections = 50
        /// wrk's threads.
        public var threads = 2
        /// Sequential requests per latency probe.
        public var probeRequests = 2000
        /// An unrecorded wrk run against each side before the rounds (zero: none).
        public var warmup: Duration = .seconds(1)
        /// How long our server may take to answer `/health` after it starts.
        public var startupTimeout: Duration = .seconds(60)

        /// Creates the default configuration.
        public init() {}
    }

    /// How to start the server under test.
    public struct Server: Sendable {
        /// The name used in figures, such as `"mastery"`.
        public var name: String
        /// The executable's full path.
        public var executable: String
        /// The arguments for a port on 127.0.0.1 and an empty data directory.
        public var arguments: @Sendable (_ port: Int, _ dataDirectory: String) -> [String]
        /// The path answered with 200 once the server is ready, and measured.
        public var path: String

        /// Describes a server to benchmark.
        public init(
            name: String = "mastery",
            executable: String,
            path: String = "/health",
            arguments: @escaping @Sendable (_ port: Int, _ dataDirectory: String) -> [String]
        ) {
            self.name = name
            self.executable = executable
            self.path = path
            self.arguments = arguments
        }
    }

    /// The peer's name in figures and ratios.
    public static let peerName = "nginx"

    /// How to measure.
    public var configuration: Configuration
    /// Where wrk and nginx are looked up.
    public var locator: ExecutableLocator

    /// Creates the benchmark.
    public init(configuration: Configuration = Configuration(), locator: ExecutableLocator = .default) {
        self.configuration = configuration
        self.locator = locator
    }

    /// Runs the benchmark.
    /// - Parameters:
    ///   - server: How to start our server.
    ///   - logger: Receives progress at `info` (one line per measurement) and details at `debug`.
    /// - Throws: ``BenchmarkError``: ``BenchmarkError/Code-swift.struct/toolMissing`` when wrk or nginx is not
    ///   installed (before anything starts), or any failure of a child or a measurement.
    public func run(server: Server, logger: Logger) async throws -> BenchmarkReport {
        guard configuration.rounds >= 1, configuration.probeRequests >= 1 else {
            throw BenchmarkError(code: .invalidArgument, message: "rounds and probe requests must be at least 1")
        }
        let wrk = try Wrk(
            configuration: .init(
                threads: configuration.threads,
                connections: configuration.connections,
                duration: configuration.duration
            ),
            locator: locator
        )
        _ = try locator.locate("nginx")

        return try await TemporaryDirectory.with(prefix: "mastery-bench") { directory in
            try await run(server: server, wrk: wrk, directory: directory, logger: logger)
        }
    }

    private func run(server: Server, wrk: Wrk, directory: URL, logger: Logger) async throws -> BenchmarkReport {
        let dataDirectory = directory.appendingPathComponent("data")
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw BenchmarkError(
                code: .processFailed,
                message: "could not create \(dataDirectory.path)",
                underlying: error
            )
        }
        let port = try freePort()
        let ourURL = "http://127.0.0.1:\(port)\(server.path)"
        logger.info("Starting our server", metadata: ["benchmark.url": "\(ourURL)"])
        return try await ChildProcess.withLaunched(
            name: "\(server.name) server",
            executable: server.executable,
            arguments: server.arguments(port, dataDirectory.path),
            logFile: directory.appendingPathComponent("server.log"),
            grace: .seconds(10)
        ) { child in
            let body = try await HealthCheck.waitForOK(url: ourURL, child: child, timeout: configuration.startupTimeout)
            let peer = NginxPeer.Configuration(
                port: try freePort(),
                responseBody: NginxPeer.body(matching: body),
                workerProcesses: 2
            )
            logger.info("Starting nginx", metadata: ["benchmark.body_bytes": "\(body.count)"])
            return try await NginxPeer.run(configuration: peer, locator: locator, logger: logger) { nginx in
                try await measure(
                    wrk: wrk,
                    ours: (server.name, ourURL),
                    peer: nginx.url,
                    bodyBytes: body.count,
                    directory: directory,
                    logger: logger
                )
            }
        }
    }

    private func measure(
        wrk: Wrk,
        ours: (name: String, url: String),
        peer peerURL: String,
        bodyBytes: Int,
        directory: URL,
        logger: Logger
    ) async throws -> BenchmarkReport {
        if configuration.warmup > .zero {
            var warmup = wrk
            warmup.configuration.duration = max(configuration.warmup, .seconds(1))
            logger.info("Warming up", metadata: ["benchmark.duration": "\(warmup.configuration.duration)"])
            _ = try await warmup.run(url: ours.url, directory: directory, logger: logger)
            _ = try await warmup.run(url: peerURL, directory: directory, logger: logger)
        }

        let comparison = PeerComparison(rounds: configuration.rounds)
        func logged(_ side: String, _ result: Wrk.Result) -> Wrk.Result {
            logger.info(
                "wrk run",
                metadata: [
                    "benchmark.side": "\(side)",
                    "benchmark.requests_per_second": "\(Int(result.requestsPerSecond))",
                    "benchmark.p99_us": "\(Int(result.latency.p99))",
                    "benchmark.errors": "\(result.errors.total)",
                ]
            )
            return result
        }
        let wrkRounds = try await comparison.run(logger: logger) {
            logged(ours.name, try await wrk.run(url: ours.url, directory: directory, logger: logger))
        } measurePeer: {
            logged(Self.peerName, try await wrk.run(url: peerURL, directory: directory, logger: logger))
        }

        let probe = LatencyProbe(requests: configuration.probeRequests)
        func logged(_ side: String, _ result: LatencyProbe.Result) -> LatencyProbe.Result {
            logger.info(
                "Latency probe",
                metadata: [
                    "benchmark.side": "\(side)",
                    "benchmark.p50_us": "\(Int(result.percentiles.p50))",
                    "benchmark.p99_us": "\(Int(result.percentiles.p99))",
                ]
            )
            return result
        }
        let probeRounds = try await comparison.run(logger: logger) {
            logged(ours.name, try await probe.run(url: ours.url))
        } measurePeer: {
            logged(Self.peerName, try await probe.run(url: peerURL))
        }

        return try Self.makeReport(
            ourName: ours.name,
            wrkRounds: wrkRounds,
            probeRounds: probeRounds,
            bodyBytes: bodyBytes
        )
    }
}
