public import ArgumentParser
public import Benchmarking
import Platform

/// `mastery bench redis`: pipelined SET/GET throughput and unpipelined latency of our Redis client, beside
/// `redis-benchmark` with the same settings against the same throwaway redis-server. Meant for release builds.
public struct RedisBenchmarkCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "Benchmark the Redis client against redis-benchmark on the same redis-server.",
        discussion: """
            Starts a redis-server of its own on a free loopback port, then alternates rounds of our client and of \
            `redis-benchmark -P <pipeline> -c <clients> -n <requests> -t set,get` (us first in odd rounds), then \
            alternates unpipelined GET latency runs (one connection, HdrHistogram on our side), and prints the \
            medians and ratios (above 1: we are ahead). Needs redis-server and redis-benchmark \
            (apt-get install redis-server redis-tools). Build with `swift build -c release`.
            """
    )

    @Option(help: "Alternating rounds per comparison.")
    var rounds = 3

    @Option(help: "Requests per throughput run (redis-benchmark -n).")
    var requests = 1_000_000

    @Option(help: "Connections (redis-benchmark -c).")
    var clients = 50

    @Option(help: "Pipeline depth (redis-benchmark -P).")
    var pipeline = 16

    @Option(help: "Sequential GETs per latency run.")
    var latencyRequests = 20_000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    public func run() async throws {
        ChildProcess.stopAllOnInterruptForBenchmarks()
        var configuration = RedisBenchmark.Configuration()
        configuration.rounds = rounds
        configuration.requests = requests
        configuration.clients = clients
        configuration.pipeline = pipeline
        configuration.latencyRequests = latencyRequests
        try await BenchmarkReport.printing(json: json) { logger in
            try await RedisBenchmark(configuration: configuration).run(logger: logger)
        }
    }
}
