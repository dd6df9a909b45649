public import Benchmarking
import Foundation
public import Logging
import RateLimiting
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The in-memory half of `mastery bench ratelimit`: decisions per second on every core through
/// ``InMemoryRateLimitStore/decide(_:)-(RateLimitCheck)`` (the synchronous path a middleware uses), and the
/// memory one million live keys take, then what it stays at as millions more come and go.
public struct RateLimitMemoryBenchmark: Sendable {
    /// What to run.
    public struct Configuration: Hashable, Sendable {
        /// Decisions per thread per round.
        public var decisionsPerThread = 5_000_000
        /// Threads deciding at once (one per core by default).
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Distinct keys the decisions cycle through: a hot set (which stays in the CPU's caches) and a large one.
        public var keyCounts = [1_000, 100_000]
        /// Rounds per algorithm (the median is reported).
        public var rounds = 3
        /// Live keys for the memory figure.
        public var memoryKeys = 1_000_000
        /// Further generations of `memoryKeys` distinct keys, each expiring before the next arrives.
        public var churnGenerations = 3

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
    /// - Throws: ``BenchmarkError`` for impossible settings.
    public func run(into report: inout BenchmarkReport, logger: Logger) throws {
        let settings = configuration
        guard settings.decisionsPerThread >= 1_000, settings.threads >= 1, settings.keyCounts.allSatisfy({ $0 >= 1 }),
            !settings.keyCounts.isEmpty, settings.rounds >= 1,
            settings.memoryKeys >= 1_000, settings.churnGenerations >= 0
        else {
            throw BenchmarkError(
                code: .invalidArgument,
                message: "decisions ≥ 1000, threads ≥ 1, keys ≥ 1, rounds ≥ 1, memory keys ≥ 1000"
            )
        }
        report.addFigure("threads", value: Double(settings.threads), unit: "threads")
        for keyCount in settings.keyCounts {
            for algorithm in RateLimitAlgorithm.allCases {
                try measure(algorithm, keys: keyCount, into: &report, logger: logger)
            }
        }
        try measureMemory(into: &report, logger: logger)
    }

    /// Decisions/s and CPU per decision of one algorithm over `keys` keys, median of the rounds.
    func measure(_ algorithm: RateLimitAlgorithm, keys: Int, into report: inout BenchmarkReport, logger: Logger) throws
    {
        let settings = configuration
        do {
            // Generous limits so most decisions admit and state changes on every decision (the costly path).
            let policy = try Self.policy(algorithm)
            let checks = (0..<keys).map { RateLimitCheck(policy: policy, key: "client-\($0)") }
            var rates: [Double] = []
            var costs: [Double] = []
            for round in 1...settings.rounds {
                let store = InMemoryRateLimitStore()
                let (rate, cost) = Self.decisionsPerSecond(
                    store: store,
                    checks: checks,
                    threads: settings.threads,
                    perThread: settings.decisionsPerThread
                )
                logger.info(
                    "Round done",
                    metadata: [
                        "bench.algorithm": "\(algorithm)", "bench.round": "\(round)",
                        "bench.decisions_per_s": "\(Int(rate))",
                    ]
                )
                rates.append(rate)
                costs.append(cost)
            }
            rates.sort()
            costs.sort()
            report.addFigure(
                "in-memory \(algorithm), \(keys) keys: decisions/s",
                value: rates[rates.count / 2],
                unit: "decisions/s"
            )
            report.addFigure(
                "in-memory \(algorithm), \(keys) keys: CPU per decision",
                value: costs[costs.count / 2],
                unit: "ns"
            )
        }
    }

    /// Resident memory for `memoryKeys` live keys, then its growth while generations of keys come and go.
    func measureMemory(into report: inout BenchmarkReport, logger: Logger) throws {
        let settings = configuration

        logger.info("Measuring memory", metadata: ["bench.keys": "\(settings.memoryKeys)"])
        let clock = ManualRateLimitClock()
        let store = InMemoryRateLimitStore(clock: clock)
        let policy = try RateLimitPolicy(name: "memory", algorithm: .gcra, limit: 100, window: .seconds(60), burst: 100)
        let before = Self.residentBytes()
        Self.fill(store, policy: policy, generation: 0, keys: settings.memoryKeys)
        let after = Self.residentBytes()
        report.addFigure("memory for \(settings.memoryKeys) live keys", value: (after - before) / 1_048_576, unit: "MB")
        report.addFigure("memory per live key", value: (after - before) / Double(settings.memoryKeys), unit: "bytes")
        var peak = after
        for generation in 1...max(1, settings.churnGenerations) where settings.churnGenerations > 0 {
            clock.advance(by: .seconds(61))  // every key of the previous generation is idle past its expiry
            store.removeExpired()
            Self.fill(store, policy: policy, generation: generation, keys: settings.memoryKeys)
            peak = max(peak, Self.residentBytes())
        }
        if settings.churnGenerations > 0 {
            report.addFigure(
                "resident growth over \(settings.churnGenerations) more generations of \(settings.memoryKeys) keys",
                value: (peak - after) / 1_048_576,
                unit: "MB"
            )
            report.addFigure("keys held after the churn", value: Double(store.keyCount), unit: "keys")
        }
    }

    /// The policy each algorithm is measured with. Names stay within 15 UTF-8 bytes, as policy names usually do:
    /// Swift stores such strings inline, while a longer name is a shared heap object whose reference count every
    /// decision's copy of the policy touches (from both cores at once).
    static func policy(_ algorithm: RateLimitAlgorithm) throws -> RateLimitPolicy {
        let name =
            "bench-"
            + [
                "gcra": "gcra", "token_bucket": "tb", "sliding_window_log": "log", "sliding_window_counter": "swc",
                "fixed_window": "fw",
            ][algorithm.rawValue, default: "x"]
        switch algorithm {
        case .gcra, .tokenBucket:
            return try RateLimitPolicy(
                name: name,
                algorithm: algorithm,
                limit: 1_000_000,
                window: .seconds(1),
                burst: 1_000_000_000
            )
        case .slidingWindowLog:
            return try RateLimitPolicy(name: name, algorithm: algorithm, limit: 100, window: .milliseconds(50))
        case .fixedWindow, .slidingWindowCounter:
            return try RateLimitPolicy(name: name, algorithm: algorithm, limit: 1_000_000_000, window: .seconds(60))
        }
    }

    /// Runs `perThread` decisions on each of `threads` OS threads at once and returns decisions per second.
    /// - Returns: Decisions per second (wall clock), and the CPU time per decision (immune to other processes
    ///   taking the cores, so comparable across noisy runs).
    static func decisionsPerSecond(
        store: InMemoryRateLimitStore,
        checks: [RateLimitCheck],
        threads: Int,
        perThread: Int
    ) -> (rate: Double, cpuNanoseconds: Double) {
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let admitted = Tally()
        for thread in 0..<threads {
            done.enter()
            let worker = Thread {
                start.wait()
                var count = 0
                let cpuBefore = Self.threadCPUNanoseconds()
                var index = (checks.count / threads) * thread
                for _ in 0..<perThread {
                    if store.decide(checks[index]).allowed { count += 1 }
                    index += 1
                    if index == checks.count { index = 0 }
                }
                admitted.add(count, cpuNanoseconds: Self.threadCPUNanoseconds() - cpuBefore)
                done.leave()
            }
            worker.stackSize = 1 << 20
            worker.start()
        }
        let clock = ContinuousClock()
        let began = clock.now
        for _ in 0..<threads { start.signal() }
        done.wait()
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(threads * perThread) / seconds, Double(admitted.cpuNanoseconds) / Double(threads * perThread))
    }

    /// The CPU time this thread has used, in nanoseconds (0 where it cannot be read).
    static func threadCPUNanoseconds() -> Int64 {
        #if canImport(Glibc)
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        #else
        return 0
        #endif
    }

    static func fill(_ store: InMemoryRateLimitStore, policy: RateLimitPolicy, generation: Int, keys: Int) {
        for index in 0..<keys {
            _ = store.decide(RateLimitCheck(policy: policy, key: "g\(generation)-user-\(index)"))
        }
    }

    /// The resident set size, from `/proc/self/statm` (0 where it cannot be read).
    static func residentBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * 4096
    }
}

/// A sum the benchmark threads add to once each, so the decisions' results are used.
private final class Tally: Sendable {
    private let total = Mutex((admitted: 0, cpu: Int64(0)))

    func add(_ count: Int, cpuNanoseconds: Int64) {
        total.withLock {
            $0.admitted += count
            $0.cpu += cpuNanoseconds
        }
    }

    var cpuNanoseconds: Int64 { total.withLock { $0.cpu } }
}
