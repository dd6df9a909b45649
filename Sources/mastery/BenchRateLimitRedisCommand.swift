import ArgumentParser
import Benchmarking
import Platform

/// `mastery bench ratelimit-redis`: the Redis-backed rate limiter's decisions/s beside `redis-benchmark` running the
/// same script by `EVALSHA`, on a throwaway redis-server. Meant for release builds; `mastery bench ratelimit` runs it
/// as one of its parts.
struct BenchRateLimitRedisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratelimit-redis",
        abstract: "Benchmark the Redis rate-limit store against redis-benchmark running the same script.",
        discussion: """
            Starts a redis-server of its own on a free loopback port, loads the store's Lua script, then alternates \
            rounds of <clients> concurrent callers of RedisRateLimitStore (one GCRA check per decision, keys spread \
            over <keys> keys) and of `redis-benchmark -c <clients> -n <decisions> -r <keys> EVALSHA <sha1> 1 <key> …` \
            with the very arguments the store sends (us first in odd rounds), and prints the median decisions/s of \
            each and their ratio (above 1: we are ahead). Needs redis-server and redis-benchmark \
            (apt-get install redis-server redis-tools). Build with `swift build -c release`.
            """
    )

    @Option(help: "Alternating rounds.")
    var rounds = 3

    @Option(help: "Decisions per run (redis-benchmark -n).")
    var decisions = 200_000

    @Option(help: "Concurrent callers and connections (redis-benchmark -c).")
    var clients = 50

    @Option(help: "Distinct keys (redis-benchmark -r).")
    var keys = 10_000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() async throws {
        ChildProcess.stopAllOnInterruptForBenchmarks()
        var configuration = RateLimitRedisBenchmark.Configuration()
        configuration.rounds = rounds
        configuration.decisions = decisions
        configuration.clients = clients
        configuration.keys = keys
        try await BenchCommand.report(json: json) { logger in
            try await RateLimitRedisBenchmark(configuration: configuration).run(logger: logger)
        }
    }
}
