import AsyncHTTPClient
public import Benchmarking
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Platform

/// The HTTP half of `mastery bench ratelimit`: wrk against the demo route behind the rate-limit middleware and
/// against the same handler without it, in alternating rounds, on one `mastery serve` with the in-memory store.
///
/// No Redis is configured, so the server uses the in-memory store. The demo policy is raised first (through the policy API, with the admin token) so that every request is
/// admitted: the figure is the middleware's cost (key extraction, a decision, two headers), not 429s.
public struct RateLimitHTTPBenchmark: Sendable {
    /// How long and how hard to measure.
    public struct Configuration: Hashable, Sendable {
        /// Alternating rounds.
        public var rounds = 5
        /// Each wrk run.
        public var duration: Duration = .seconds(5)
        /// wrk's open connections.
        public var connections = 50
        /// wrk's threads.
        public var threads = 2
        /// How long the server may take to start.
        public var startupTimeout: Duration = .seconds(60)

        /// Creates the default configuration.
        public init() {}
    }

    /// The route behind the middleware.
    public static let limitedPath = "/v1/ratelimit/demo"
    /// The same handler without the middleware.
    public static let baselinePath = "/v1/ratelimit/demo/baseline"

    /// How to measure.
    public var configuration: Configuration
    /// Where wrk is looked up.
    public var locator: ExecutableLocator

    /// Creates the benchmark.
    public init(configuration: Configuration = Configuration(), locator: ExecutableLocator = .default) {
        self.configuration = configuration
        self.locator = locator
    }

    /// Runs the rounds and adds the figures to `report`.
    /// - Parameters:
    ///   - executable: The `mastery` executable (started as `mastery serve`).
    /// - Throws: ``BenchmarkError`` when wrk is missing, the server fails, or a measurement fails.
    public func run(executable: String, into report: inout BenchmarkReport, logger: Logger) async throws {
        let wrk = try Wrk(
            configuration: .init(
                threads: configuration.threads,
                connections: configuration.connections,
                duration: configuration.duration
            ),
            locator: locator
        )
        let token = UUID().uuidString + UUID().uuidString
        let settings = configuration
        let rounds: [PeerComparison.Round<Measurement>] = try await TemporaryDirectory.with(
            prefix: "mastery-bench-ratelimit"
        ) { directory in
            let data = directory.appendingPathComponent("data")
            try? FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let port = try freePort()
            let base = "http://127.0.0.1:\(port)"
            return try await ChildProcess.withLaunched(
                name: "mastery server",
                executable: executable,
                arguments: [
                    "serve", "--port", "\(port)", "--host", "127.0.0.1", "--data-dir", data.path, "--log-level",
                    "error",
                    "--admin-token", token,
                ],
                logFile: directory.appendingPathComponent("server.log"),
                grace: .seconds(10)
            ) { child in
                _ = try await HealthCheck.waitForOK(
                    url: base + "/health",
                    child: child,
                    timeout: settings.startupTimeout
                )
                try await Self.raiseDemoPolicy(base: base, token: token)
                logger.info("Warming up")
                var warmup = wrk
                warmup.configuration.duration = .seconds(1)
                _ = try await warmup.run(url: base + Self.limitedPath, directory: directory, logger: logger)
                _ = try await warmup.run(url: base + Self.baselinePath, directory: directory, logger: logger)
                // Server CPU per request, from /proc: steadier than requests/s when other work shares the cores.
                func measure(_ path: String, side: String) async throws -> Measurement {
                    let before = Self.cpuTicks(of: child.processIdentifier)
                    let result = try await wrk.run(url: base + path, directory: directory, logger: logger)
                    let ticks = Self.cpuTicks(of: child.processIdentifier) - before
                    let cpu = result.requests > 0 ? Double(ticks) * 10_000 / Double(result.requests) : 0
                    logger.info(
                        "wrk run",
                        metadata: [
                            "bench.side": "\(side)", "bench.requests_per_s": "\(Int(result.requestsPerSecond))",
                            "bench.server_cpu_us": "\(cpu)",
                        ]
                    )
                    return Measurement(wrk: result, serverCPUMicroseconds: cpu)
                }
                return try await PeerComparison(rounds: settings.rounds).run(logger: logger) {
                    try await measure(Self.limitedPath, side: "middleware")
                } measurePeer: {
                    try await measure(Self.baselinePath, side: "baseline")
                }
            }
        }
        let median = PeerComparison.Spread.median(of:)
        report.addFigure(
            "HTTP with middleware requests/s",
            value: median(rounds.map(\.ours.wrk.requestsPerSecond)),
            unit: "req/s"
        )
        report.addFigure(
            "HTTP without middleware requests/s",
            value: median(rounds.map(\.peer.wrk.requestsPerSecond)),
            unit: "req/s"
        )
        report.addFigure(
            "HTTP with middleware wrk p99 latency",
            value: median(rounds.map(\.ours.wrk.latency.p99)),
            unit: "us"
        )
        report.addFigure(
            "HTTP without middleware wrk p99 latency",
            value: median(rounds.map(\.peer.wrk.latency.p99)),
            unit: "us"
        )
        report.addFigure(
            "HTTP errors and non-2xx (both sides)",
            value: Double(rounds.map { $0.ours.wrk.errors.total + $0.peer.wrk.errors.total }.reduce(0, +)),
            unit: "count"
        )
        let ratios = rounds.map {
            $0.peer.wrk.requestsPerSecond > 0 ? $0.ours.wrk.requestsPerSecond / $0.peer.wrk.requestsPerSecond : 0
        }
        report.addFigure(
            "HTTP middleware overhead (median of rounds)",
            value: median(ratios.map { (1 - $0) * 100 }),
            unit: "%"
        )
        let ours = median(rounds.map(\.ours.serverCPUMicroseconds))
        let theirs = median(rounds.map(\.peer.serverCPUMicroseconds))
        report.addFigure("HTTP server CPU per request with middleware", value: ours, unit: "us")
        report.addFigure("HTTP server CPU per request without middleware", value: theirs, unit: "us")
        report.addFigure("HTTP middleware CPU overhead", value: theirs > 0 ? (ours / theirs - 1) * 100 : 0, unit: "%")
        report.addRatio(
            "HTTP requests/s with middleware",
            spread: try PeerComparison.Spread(
                rounds: rounds,
                direction: .higherIsBetter,
                metric: \.wrk.requestsPerSecond
            ),
            against: "the same route without it"
        )
    }

    /// One wrk run and the server's CPU time per request during it.
    struct Measurement: Sendable {
        var wrk: Wrk.Result
        var serverCPUMicroseconds: Double
    }

    /// The user plus system CPU time of a process, in clock ticks (1/100 s), from `/proc/<pid>/stat`; 0 if unreadable.
    static func cpuTicks(of pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return 0 }
        // After "pid (name) ", field 3 is the state; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
        return user + system
    }

    /// Raises the demo policy so every benchmark request is admitted.
    static func raiseDemoPolicy(base: String, token: String) async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: base + "/v1/ratelimit/policies/demo")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(
            ByteBuffer(string: #"{"name":"demo","algorithm":"gcra","limit":1000000,"window":1,"burst":1000000000}"#)
        )
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status == .ok else {
            throw BenchmarkError(
                code: .processFailed,
                message: "raising the demo policy answered \(response.status.code)"
            )
        }
    }
}
