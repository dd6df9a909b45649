import AsyncHTTPClient
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
            configuration: .init(threads: configuration.threads, connections: configuration.connections, duration: configuration.duration),
            locator: locator
        )
        let token = UUID().uuidString + UUID().uuidString
        let settings = configuration
        let rounds: [PeerComparison.Round<Wrk.Result>] = try await TemporaryDirectory.with(prefix: "mastery-bench-ratelimit") { directory in
            let data = directory.appendingPathComponent("data")
            try? FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let port = try LocalPort.unused()
            let base = "http://127.0.0.1:\(port)"
            return try await ChildProcess.withLaunched(
                name: "mastery server",
                executable: executable,
                arguments: [
                    "serve", "--port", "\(port)", "--host", "127.0.0.1", "--data-dir", data.path, "--log-level", "error",
                    "--admin-token", token,
                ],
                logFile: directory.appendingPathComponent("server.log"),
                grace: .seconds(10)
            ) { child in
                _ = try await HealthCheck.waitForOK(url: base + "/health", child: child, timeout: settings.startupTimeout)
                try await Self.raiseDemoPolicy(base: base, token: token)
                logger.info("Warming up")
                var warmup = wrk
                warmup.configuration.duration = .seconds(1)
                _ = try await warmup.run(url: base + Self.limitedPath, directory: directory, logger: logger)
                _ = try await warmup.run(url: base + Self.baselinePath, directory: directory, logger: logger)
                return try await PeerComparison(rounds: settings.rounds).run(logger: logger) {
                    let result = try await wrk.run(url: base + Self.limitedPath, directory: directory, logger: logger)
                    logger.info("wrk run", metadata: ["bench.side": "middleware", "bench.requests_per_s": "\(Int(result.requestsPerSecond))"])
                    return result
                } measurePeer: {
                    let result = try await wrk.run(url: base + Self.baselinePath, directory: directory, logger: logger)
                    logger.info("wrk run", metadata: ["bench.side": "baseline", "bench.requests_per_s": "\(Int(result.requestsPerSecond))"])
                    return result
                }
            }
        }
        let median = PeerComparison.Spread.median(of:)
        report.addFigure("HTTP with middleware requests/s", value: median(rounds.map(\.ours.requestsPerSecond)), unit: "req/s")
        report.addFigure("HTTP without middleware requests/s", value: median(rounds.map(\.peer.requestsPerSecond)), unit: "req/s")
        report.addFigure("HTTP with middleware wrk p99 latency", value: median(rounds.map(\.ours.latency.p99)), unit: "us")
        report.addFigure("HTTP without middleware wrk p99 latency", value: median(rounds.map(\.peer.latency.p99)), unit: "us")
        report.addFigure(
            "HTTP errors and non-2xx (both sides)",
            value: Double(rounds.map { $0.ours.errors.total + $0.peer.errors.total }.reduce(0, +)),
            unit: "count"
        )
        let ratios = rounds.map { $0.peer.requestsPerSecond > 0 ? $0.ours.requestsPerSecond / $0.peer.requestsPerSecond : 0 }
        let overheads = ratios.map { (1 - $0) * 100 }
        report.addFigure("HTTP middleware overhead (median of rounds)", value: median(overheads), unit: "%")
        report.addRatio(
            "HTTP requests/s with middleware",
            spread: try PeerComparison.Spread(rounds: rounds, direction: .higherIsBetter, metric: \.requestsPerSecond),
            against: "the same route without it"
        )
    }

    /// Raises the demo policy so every benchmark request is admitted.
    static func raiseDemoPolicy(base: String, token: String) async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: base + "/v1/ratelimit/policies/demo")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"name":"demo","algorithm":"gcra","limit":1000000,"window":1,"burst":1000000000}"#))
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status == .ok else {
            throw BenchmarkError(code: .processFailed, message: "raising the demo policy answered \(response.status.code)")
        }
    }
}
