public import Benchmarking
import Foundation
import HTTPTypes
import Hummingbird
public import Logging
import NIOCore
import NIOEmbedded
import Platform
import RateLimiting

/// The in-process part of the middleware's cost in `mastery bench ratelimit`: one task calls
/// ``RateLimitMiddleware`` in a loop with the server's own request context, against a handler that returns a
/// ready response, and the same loop calls the handler directly. The difference is what the middleware itself
/// costs per request (key extraction, policy lookup, a decision with its statistics and metrics, and the two
/// fields), free of the network, the HTTP codec and wrk, which dominate the HTTP figure and its noise.
public struct RateLimitMiddlewareBenchmark: Sendable {
    /// What to run.
    public struct Configuration: Hashable, Sendable {
        /// Requests per round and side.
        public var requests = 1_000_000
        /// Rounds (the median is reported).
        public var rounds = 5

        /// Creates the default configuration.
        public init() {}
    }

    /// The configuration.
    public var configuration: Configuration

    /// Creates the benchmark.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Measures and adds the figures to `report`.
    /// - Throws: ``BenchmarkError`` for impossible settings or when a request is not admitted.
    public func run(into report: inout BenchmarkReport, logger: Logger) async throws {
        let settings = configuration
        guard settings.requests >= 1_000, settings.rounds >= 1 else {
            throw BenchmarkError(code: .invalidArgument, message: "middleware requests ≥ 1000 and rounds ≥ 1")
        }
        let policy = try RateLimitPolicy(
            name: "demo",
            algorithm: .gcra,
            limit: 1_000_000,
            window: .seconds(1),
            burst: 1_000_000_000
        )
        let limiter = RateLimiter(store: InMemoryRateLimitStore(), logger: logger)
        let middleware = RateLimitMiddleware<MasteryRequestContext>(
            limiter: limiter,
            policies: RateLimitPolicySet([policy]),
            names: ["demo"],
            key: .clientIP(ClientAddressResolver()),
            missingKey: .shared("ip:unknown")
        )
        let channel = EmbeddedChannel()
        channel.remoteAddress = try SocketAddress(ipAddress: "192.0.2.60", port: 40_000)
        let context = MasteryRequestContext(source: .init(channel: channel, logger: logger))
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/v1/ratelimit/demo"),
            body: .init(buffer: ByteBuffer())
        )
        let ready = Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"policy":"demo","status":"ok"}"#))
        )
        let handler: @Sendable (Request, MasteryRequestContext) async throws -> Response = { _, _ in ready }

        var through: [Double] = []
        var direct: [Double] = []
        for round in 1...settings.rounds {
            let clock = ContinuousClock()
            var fields = 0
            let started = clock.now
            for _ in 0..<settings.requests {
                let response = try await Self.call(handler, request, context)
                fields &+= response.headers.count
            }
            let baseline = clock.now - started
            let limitedStart = clock.now
            for _ in 0..<settings.requests {
                let response = try await middleware.handle(request, context: context, next: handler)
                guard response.status == .ok else {
                    throw BenchmarkError(
                        code: .processFailed,
                        message: "the middleware answered \(response.status.code)"
                    )
                }
                fields &+= response.headers.count
            }
            let limited = clock.now - limitedStart
            direct.append(Self.nanoseconds(baseline) / Double(settings.requests))
            through.append(Self.nanoseconds(limited) / Double(settings.requests))
            logger.info(
                "Middleware round",
                metadata: [
                    "bench.round": "\(round)", "bench.direct_ns": "\(direct.last!)",
                    "bench.middleware_ns": "\(through.last!)",
                    "bench.fields": "\(fields)",
                ]
            )
        }
        // Every core at once, all on one key (one client, as under wrk): what the shared state costs.
        let tasks = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var shared: [Double] = []
        for _ in 1...settings.rounds {
            let clock = ContinuousClock()
            let started = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<tasks {
                    group.addTask {
                        for _ in 0..<settings.requests {
                            let response = try await middleware.handle(request, context: context, next: handler)
                            guard response.status == .ok else {
                                throw BenchmarkError(
                                    code: .processFailed,
                                    message: "the middleware answered \(response.status.code)"
                                )
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Wall time × tasks / requests: the core time each request took while all cores worked.
            shared.append(Self.nanoseconds(clock.now - started) / Double(settings.requests))
        }
        let median = PeerComparison.Spread.median(of:)
        report.addFigure("Middleware in-process time per request", value: median(through), unit: "ns")
        report.addFigure("Handler alone in-process time per request", value: median(direct), unit: "ns")
        report.addFigure("Middleware in-process cost per request", value: median(through) - median(direct), unit: "ns")
        report.addFigure(
            "Middleware in-process core time per request, \(tasks) tasks on one key",
            value: median(shared),
            unit: "ns"
        )
        try? await channel.close()
    }

    /// Calls the handler as the middleware does: through a closure the optimiser cannot see into.
    @inline(never)
    static func call(
        _ handler: @Sendable (Request, MasteryRequestContext) async throws -> Response,
        _ request: Request,
        _ context: MasteryRequestContext
    ) async throws -> Response {
        try await handler(request, context)
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}
