public import Benchmarking
import Foundation
import Histogram
public import Logging
import NIOCore
import NIOPosix
import Platform
import Redis

/// `mastery bench redis`: our client's pipelined SET and GET throughput and its unpipelined latency, measured
/// against a redis-server of its own, side by side with `redis-benchmark` (the C tool that ships with Redis) run
/// with the same clients, pipeline depth and request count against the same server.
///
/// Rounds alternate which side goes first (``PeerComparison``); the report holds the median of each figure and
/// the median ratio with its spread (above 1: we are ahead).
public struct RedisBenchmark: Sendable {
    /// What to measure and how hard.
    public struct Configuration: Hashable, Sendable {
        /// Alternating rounds per comparison.
        public var rounds = 3
        /// Requests per throughput run (`redis-benchmark -n`).
        public var requests = 1_000_000
        /// Connections (`-c`).
        public var clients = 50
        /// Commands in flight per connection (`-P`).
        public var pipeline = 16
        /// Sequential requests per latency run (one connection, no pipelining).
        public var latencyRequests = 20_000

        /// Creates the default configuration, the same as `redis-benchmark -P 16 -c 50 -n 1000000`.
        public init() {}

        func validate() throws {
            guard rounds >= 1, requests >= 1, clients >= 1, pipeline >= 1, latencyRequests >= 1 else {
                throw BenchmarkError(code: .invalidArgument, message: "every count must be at least 1")
            }
            guard clients <= 1_000, pipeline <= 10_000 else {
                throw BenchmarkError(code: .invalidArgument, message: "at most 1000 clients and a pipeline of 10000")
            }
            guard requests >= clients * pipeline else {
                throw BenchmarkError(
                    code: .invalidArgument,
                    message: "requests must be at least clients × pipeline (\(clients * pipeline))"
                )
            }
        }
    }

    /// The configuration.
    public var configuration: Configuration

    /// Creates a benchmark.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Starts redis-server on a free port, runs every comparison and returns the report.
    /// - Throws: ``BenchmarkError`` when a tool is missing, a process fails or a measurement is invalid.
    public func run(logger: Logger) async throws -> BenchmarkReport {
        try configuration.validate()
        return try await BenchmarkRedisServer.withRunning(prefix: "mastery-bench-redis") { server in
            try await measure(port: server.port, tool: server.tool, logFile: server.logFile, logger: logger)
        }
    }

    private func measure(
        port: Int,
        tool: RedisBenchmarkTool,
        logFile: URL,
        logger: Logger
    ) async throws
        -> BenchmarkReport
    {
        try await BenchmarkRedisServer.withClient(port: port, connections: configuration.clients, logger: logger) {
            client in
            var report = BenchmarkReport(benchmark: "redis")
            let comparison = PeerComparison(rounds: configuration.rounds)
            for test in ["SET", "GET"] {
                logger.info("Measuring pipelined \(test)", metadata: ["benchmark.test": "\(test)"])
                let rounds = try await comparison.run(logger: logger) {
                    try await throughput(of: test, client: client)
                } measurePeer: {
                    try await tool.run(
                        test: test.lowercased(),
                        port: port,
                        clients: configuration.clients,
                        pipeline: configuration.pipeline,
                        requests: configuration.requests,
                        logFile: logFile
                    ).requestsPerSecond
                }
                let spread = try PeerComparison.Spread(rounds: rounds, direction: .higherIsBetter) { $0 }
                report.addFigure(
                    "mastery \(test) ops/s",
                    value: PeerComparison.Spread.median(of: rounds.map(\.ours)),
                    unit: "ops/s"
                )
                report.addFigure(
                    "redis-benchmark \(test) ops/s",
                    value: PeerComparison.Spread.median(of: rounds.map(\.peer)),
                    unit: "ops/s"
                )
                report.addRatio("\(test) ops/s", spread: spread, against: "redis-benchmark")
            }

            logger.info("Measuring unpipelined GET latency")
            let latencyRounds = try await comparison.run(logger: logger) {
                try await latency(client: client)
            } measurePeer: {
                let result = try await tool.run(
                    test: "get",
                    port: port,
                    clients: 1,
                    pipeline: 1,
                    requests: configuration.latencyRequests,
                    logFile: logFile
                )
                return LatencyPercentiles(p50: result.p50, p90: .nan, p99: result.p99, p999: .nan, max: .nan)
            }
            for (name, metric) in [("p50", \LatencyPercentiles.p50), ("p99", \LatencyPercentiles.p99)] {
                report.addFigure(
                    "mastery GET \(name)",
                    value: PeerComparison.Spread.median(of: latencyRounds.map { $0.ours[keyPath: metric] }),
                    unit: "us"
                )
                report.addFigure(
                    "redis-benchmark GET \(name)",
                    value: PeerComparison.Spread.median(of: latencyRounds.map { $0.peer[keyPath: metric] }),
                    unit: "us"
                )
            }
            report.addFigure(
                "mastery GET p99.9",
                value: PeerComparison.Spread.median(of: latencyRounds.map(\.ours.p999)),
                unit: "us"
            )
            for (name, metric) in [("GET p50 latency", \LatencyPercentiles.p50), ("GET p99 latency", \.p99)] {
                let spread = try PeerComparison.Spread(rounds: latencyRounds, direction: .lowerIsBetter) {
                    $0[keyPath: metric]
                }
                report.addRatio(name, spread: spread, against: "redis-benchmark")
            }
            return report
        }
    }

    /// `clients` tasks, each holding one connection and sending `pipeline` commands per write until the requests
    /// are done, like redis-benchmark's clients. The same key and 3-byte value as redis-benchmark.
    private func throughput(of test: String, client: RedisClient) async throws -> Double {
        var command = RedisCommand(test, "key:__rand_int__")
        if test == "SET" { command.append("xxx") }
        let batch = Array(repeating: command, count: configuration.pipeline)
        let batches = configuration.requests / configuration.pipeline
        let clients = configuration.clients
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<clients {
                let share = batches / clients + (index < batches % clients ? 1 : 0)
                group.addTask {
                    try await client.withConnection { connection in
                        for _ in 0..<share {
                            for result in await connection.pipeline(batch) { _ = try result.get() }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (clock.now - start).microseconds / 1_000_000
        return Double(batches * configuration.pipeline) / seconds
    }

    /// Sequential GETs on one connection, each timed from send to reply, in microseconds.
    private func latency(client: RedisClient) async throws -> LatencyPercentiles {
        let command = RedisCommand("GET", "key:__rand_int__")
        let requests = configuration.latencyRequests
        let histogram = try await client.withConnection { connection in
            var histogram = LatencyProbe.makeHistogram()
            let clock = ContinuousClock()
            for _ in 0..<requests {
                let start = clock.now
                try await connection.send(command)
                LatencyProbe.record(clock.now - start, in: &histogram)
            }
            return histogram
        }
        return LatencyProbe.Result.percentiles(of: histogram)
    }
}
