public import Benchmarking
import Foundation
public import Logging
import NIOCore
import NIOPosix
import Platform
import RateLimiting
import Redis

/// The Redis-backed rate limiter's decisions per second, beside `redis-benchmark` running the same script.
///
/// Starts a redis-server of its own on a free loopback port, loads ``RedisRateLimitStore/script``, then alternates
/// rounds (``PeerComparison``) of:
/// - us: `clients` concurrent callers, each calling ``RedisRateLimitStore/check(_:)`` in a loop (one GCRA check per
///   decision, keys drawn at random from `keys` keys) through one `RedisClient` pool of `clients` connections,
///   `decisions` decisions in all;
/// - the peer: `redis-benchmark -c <clients> -n <decisions> -r <keys>` sending the very `EVALSHA` the store sends
///   (``RedisRateLimitStore/scriptArguments(for:)``, its key randomised with `__rand_int__`), the ceiling any client
///   could reach with this script on this server.
///
/// The report holds each side's median decisions/s and the median ratio (ours / redis-benchmark's) with its spread;
/// the target is at least 0.7.
public struct RateLimitRedisBenchmark: Sendable {
    /// What to measure and how hard.
    public struct Configuration: Hashable, Sendable {
        /// Alternating rounds.
        public var rounds = 3
        /// Decisions per run (`redis-benchmark -n`).
        public var decisions = 200_000
        /// Concurrent callers and connections (`-c`).
        public var clients = 50
        /// Distinct keys the decisions spread over (`-r`).
        public var keys = 10_000

        /// Creates the default configuration: 3 rounds of 200,000 decisions, 50 callers, 10,000 keys.
        public init() {}

        func validate() throws {
            guard rounds >= 1, clients >= 1, keys >= 1, decisions >= clients else {
                throw BenchmarkError(
                    code: .invalidArgument,
                    message: "rounds, clients and keys must be at least 1, and decisions at least clients"
                )
            }
            guard clients <= 1_000 else {
                throw BenchmarkError(code: .invalidArgument, message: "at most 1000 clients")
            }
        }
    }

    /// The policy every decision checks: GCRA, 100 per second per key with a burst of 100, so that every decision is
    /// admitted and writes the key (the costlier path), on both sides.
    static func policy() throws -> RateLimitPolicy {
        try RateLimitPolicy(name: "bench", algorithm: .gcra, limit: 100, window: .seconds(1), burst: 100)
    }

    /// The configuration.
    public var configuration: Configuration

    /// Creates the benchmark.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Starts redis-server on a free port, runs the rounds and returns the report (its figures join `mastery bench ratelimit`).
    /// - Throws: ``BenchmarkError`` when a tool is missing, a process fails, a decision fails or a measurement is
    ///   invalid.
    public func run(logger: Logger) async throws -> BenchmarkReport {
        try configuration.validate()
        return try await BenchmarkRedisServer.withRunning(prefix: "mastery-bench-ratelimit-redis") { server in
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
            let store = RedisRateLimitStore(client: client, keyPrefix: "bench")
            let policy = try Self.policy()
            try await client.loadScript(RedisRateLimitStore.script)
            let command =
                ["EVALSHA", RedisRateLimitStore.script.sha1]
                + store.scriptArguments(for: [RateLimitCheck(policy: policy, key: "key:__rand_int__")])

            logger.info("Measuring Redis-backed GCRA decisions", metadata: ["benchmark.test": "ratelimit-redis"])
            let rounds = try await PeerComparison(rounds: configuration.rounds).run(logger: logger) {
                try await decisionsPerSecond(store: store, policy: policy)
            } measurePeer: {
                try await tool.run(
                    command: command,
                    port: port,
                    clients: configuration.clients,
                    requests: configuration.decisions,
                    keyspace: configuration.keys,
                    logFile: logFile
                ).requestsPerSecond
            }
            var report = BenchmarkReport(benchmark: "ratelimit-redis")
            report.addFigure(
                "mastery Redis GCRA decisions/s",
                value: PeerComparison.Spread.median(of: rounds.map(\.ours)),
                unit: "req/s"
            )
            report.addFigure(
                "redis-benchmark EVALSHA decisions/s",
                value: PeerComparison.Spread.median(of: rounds.map(\.peer)),
                unit: "req/s"
            )
            report.addFigure("rounds", value: Double(configuration.rounds), unit: "count")
            let spread = try PeerComparison.Spread(rounds: rounds, direction: .higherIsBetter) { $0 }
            report.addRatio("Redis decisions/s", spread: spread, against: "redis-benchmark")
            return report
        }
    }

    /// `clients` callers deciding in a loop until `decisions` decisions are made; every one must be admitted.
    private func decisionsPerSecond(store: RedisRateLimitStore, policy: RateLimitPolicy) async throws -> Double {
        let (clients, decisions, keys) = (configuration.clients, configuration.decisions, configuration.keys)
        // The keys redis-benchmark's `__rand_int__` makes: 12 digits, zero-padded.
        let names = (0..<keys).map {
            "key:" + String(repeating: "0", count: max(0, 12 - String($0).count)) + String($0)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let rejected = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<clients {
                let share = decisions / clients + (index < decisions % clients ? 1 : 0)
                group.addTask {
                    // A cheap generator of our own (as redis-benchmark's): the system's costs a syscall per number.
                    var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
                    var rejected = 0
                    for _ in 0..<share {
                        state ^= state << 13
                        state ^= state >> 7
                        state ^= state << 17
                        let key = names[Int(state % UInt64(keys))]
                        let result = try await store.check([RateLimitCheck(policy: policy, key: key)])
                        if !result.allowed { rejected += 1 }
                    }
                    return rejected
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        // A burst of 100 per key and at most a few decisions per key per second: a rejection means something broke.
        guard rejected * 100 < decisions else {
            throw BenchmarkError(code: .invalidOutput, message: "\(rejected) of \(decisions) decisions were rejected")
        }
        return Double(decisions) / (elapsed.microseconds / 1_000_000)
    }
}
