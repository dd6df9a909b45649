import AsyncHTTPClient
import Benchmarking
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Platform

/// Cached responses per second over HTTP with wrk: our middleware in `mastery serve` (the demo product, a hit every
/// time after the first) beside nginx `proxy_cache` in front of the same `mastery serve` route, alternating rounds.
struct CacheHTTPBenchmark: Sendable {
    var rounds = 3
    var duration: Duration = .seconds(5)
    var threads = 2
    var connections = 50

    static let path = "/v1/cache/demo/products/1"

    func run(executable: String, into report: inout BenchmarkReport, logger: Logger) async throws {
        let wrk = try Wrk(configuration: .init(threads: threads, connections: connections, duration: duration))
        let token = UUID().uuidString + UUID().uuidString
        let settings = self
        let rounds: [PeerComparison.Round<Wrk.Result>] = try await TemporaryDirectory.with(
            prefix: "mastery-bench-cache"
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
                    "error", "--admin-token", token,
                ],
                logFile: directory.appendingPathComponent("server.log"),
                grace: .seconds(10)
            ) { child in
                _ = try await HealthCheck.waitForOK(url: base + "/health", child: child, timeout: .seconds(60))
                try await Self.putProduct(base: base, token: token)
                let nginxPort = try freePort()
                return try await NginxPeer.run(
                    configuration: .init(port: nginxPort, responseBody: "{}", proxyCacheOrigin: "127.0.0.1:\(port)"),
                    logger: logger
                ) { _ in
                    let nginx = "http://127.0.0.1:\(nginxPort)"
                    var warmup = wrk
                    warmup.configuration.duration = .seconds(1)
                    for url in [base, nginx] {
                        let result = try await warmup.run(url: url + Self.path, directory: directory, logger: logger)
                        guard result.errors.status == 0 else {
                            throw BenchmarkError(code: .invalidOutput, message: "\(url)\(Self.path) answered errors")
                        }
                    }
                    return try await PeerComparison(rounds: settings.rounds).run(logger: logger) {
                        try await wrk.run(url: base + Self.path, directory: directory, logger: logger)
                    } measurePeer: {
                        try await wrk.run(url: nginx + Self.path, directory: directory, logger: logger)
                    }
                }
            }
        }
        let median = PeerComparison.Spread.median(of:)
        report.addFigure(
            "HTTP cached responses/s, ours (edge + middleware in mastery serve)",
            value: median(rounds.map(\.ours.requestsPerSecond)),
            unit: "req/s"
        )
        report.addFigure(
            "HTTP cached responses/s, nginx proxy_cache",
            value: median(rounds.map(\.peer.requestsPerSecond)),
            unit: "req/s"
        )
        report.addFigure("HTTP p99 latency, ours", value: median(rounds.map(\.ours.latency.p99)), unit: "us")
        report.addFigure("HTTP p99 latency, nginx", value: median(rounds.map(\.peer.latency.p99)), unit: "us")
        report.addFigure(
            "HTTP errors and non-2xx (both sides)",
            value: Double(rounds.map { $0.ours.errors.total + $0.peer.errors.total }.reduce(0, +)),
            unit: "count"
        )
        report.addRatio(
            "HTTP cached responses/s",
            spread: try PeerComparison.Spread(rounds: rounds, direction: .higherIsBetter, metric: \.requestsPerSecond),
            against: "nginx proxy_cache"
        )
    }

    /// Writes the demo product the benchmark reads.
    static func putProduct(base: String, token: String) async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: base + path)
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"name":"benchmark lamp","priceCents":1999}"#))
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status == .ok else {
            throw BenchmarkError(
                code: .processFailed,
                message: "writing the demo product answered \(response.status.code)"
            )
        }
    }
}
