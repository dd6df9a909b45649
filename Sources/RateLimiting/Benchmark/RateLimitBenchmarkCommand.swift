public import ArgumentParser
public import Benchmarking
import Foundation
import Platform

/// `mastery bench ratelimit`: in-memory decisions per second and memory per key. Meant for release builds.
public struct RateLimitBenchmarkCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "ratelimit",
        abstract:
            "Benchmark the rate limiter: in-memory decisions/s, memory per key, Redis decisions/s beside redis-benchmark, the middleware's cost.",
        discussion: """
            In-memory: each algorithm decides on one OS thread per core through the store's synchronous path; the \
            memory figure is the resident growth for --memory-keys live keys, then the growth while further \
            generations of as many keys arrive and expire. Redis: a redis-server of its own; rounds of --clients \
            concurrent callers of RedisRateLimitStore (one GCRA check each) alternate with `redis-benchmark -c \
            <clients> EVALSHA` of the same script with the same arguments (needs redis-server, redis-benchmark). HTTP: `mastery serve` (in-memory store) under wrk, the \
            demo route behind the middleware against the same handler without it, alternating rounds (needs wrk). \
            Build with `swift build -c release`.
            """
    )

    @Option(help: "Decisions per thread per round.")
    var decisions = 5_000_000

    @Option(help: "Threads deciding at once (default: one per core).")
    var threads: Int?

    @Option(parsing: .upToNextOption, help: "Distinct keys the decisions cycle through (one set of runs per count).")
    var keys = [1_000, 100_000]

    @Option(help: "Rounds per algorithm (the median is reported).")
    var rounds = 3

    @Option(help: "Live keys for the memory figure.")
    var memoryKeys = 1_000_000

    @Option(help: "Alternating Redis rounds (our store / redis-benchmark EVALSHA); 0 skips the Redis part.")
    var redisRounds = 3

    @Option(help: "Decisions per Redis run (redis-benchmark -n).")
    var redisDecisions = 200_000

    @Option(help: "Concurrent Redis callers and connections (redis-benchmark -c).")
    var clients = 50

    @Option(help: "Distinct keys in the Redis runs (redis-benchmark -r).")
    var redisKeys = 10_000

    @Option(help: "Requests per round through the middleware in-process (and to the handler alone); 0 skips it.")
    var middlewareRequests = 1_000_000

    @Option(help: "Alternating wrk rounds (middleware / baseline); 0 skips the HTTP part.")
    var httpRounds = 9

    @Option(help: "Seconds of each wrk run.")
    var duration = 5

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    public func run() async throws {
        ChildProcess.stopAllOnInterruptForBenchmarks()
        var memory = RateLimitMemoryBenchmark.Configuration()
        memory.decisionsPerThread = decisions
        memory.rounds = rounds
        memory.keyCounts = keys
        if let threads { memory.threads = threads }
        memory.memoryKeys = memoryKeys
        try await BenchmarkReport.printing(json: json) { logger in
            var report = BenchmarkReport(benchmark: "ratelimit")
            try RateLimitMemoryBenchmark(configuration: memory).run(into: &report, logger: logger)
            if middlewareRequests > 0 {
                var middleware = RateLimitMiddlewareBenchmark.Configuration()
                middleware.requests = middlewareRequests
                middleware.rounds = rounds
                try await RateLimitMiddlewareBenchmark(configuration: middleware).run(into: &report, logger: logger)
            }
            if redisRounds > 0 {
                var redis = RateLimitRedisBenchmark.Configuration()
                redis.rounds = redisRounds
                redis.decisions = redisDecisions
                redis.clients = clients
                redis.keys = redisKeys
                let measured = try await RateLimitRedisBenchmark(configuration: redis).run(logger: logger)
                report.figures += measured.figures
                report.ratios += measured.ratios
            }
            if httpRounds > 0 {
                var http = RateLimitHTTPBenchmark.Configuration()
                http.rounds = httpRounds
                http.duration = .seconds(max(1, duration))
                let executable =
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                    ?? CommandLine.arguments[0]
                try await RateLimitHTTPBenchmark(configuration: http).run(
                    executable: executable,
                    into: &report,
                    logger: logger
                )
            }
            return report
        }
    }
}
