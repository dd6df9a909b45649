public import ArgumentParser
import Benchmarking
import Foundation
import Logging
import ResponseCaching

/// `mastery bench cache`: the in-process tier's gets per second on both cores beside a bare sharded dictionary
/// (alternating rounds, median ratio), its hit ratio beside plain LRU at the same byte budget on Zipf(0.99) with
/// scans, and its bytes against its budget.
public struct CacheBenchmarkCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Benchmark the response cache: in-process gets/s and hit ratio beside LRU (use a release build)."
    )

    @Option(help: "Rounds of the throughput comparison.") var rounds = 9
    @Option(help: "Gets per task per round.") var gets = 1_000_000
    @Option(help: "Concurrent tasks (one per core).") var tasks = 2
    @Option(help: "Requests of the hit-ratio workload (Zipf 0.99 over 1,000,000 keys, a 10 % scan every 100,000).")
    var requests = 2_000_000
    @Option(help: "Rounds of the HTTP comparison with nginx proxy_cache (0 leaves it out).") var httpRounds = 3
    @Option(help: "Seconds of each wrk run.") var httpDuration = 5
    @Flag(help: "Leave out the invalidation latency across two instances (it starts a redis-server).")
    var skipInvalidation = false
    @Flag(help: "Leave out the adapted cache-tests cases replayed over HTTP (ours and nginx proxy_cache).")
    var skipConformance = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    public init() {}

    public func validate() throws {
        guard rounds >= 1, gets >= 1_000, tasks >= 1, tasks <= 64, requests >= 100_000 else {
            throw ValidationError("--rounds ≥ 1, --gets ≥ 1000, --tasks 1…64, --requests ≥ 100000")
        }
    }

    public func run() async throws {
        var conformanceFailures: [String] = []
        try await BenchmarkReport.printing(json: json) { logger in
            var report = BenchmarkReport(benchmark: "cache")
            var throughput = ThroughputWorkload()
            throughput.rounds = rounds
            throughput.getsPerTask = gets
            throughput.tasks = tasks
            logger.info("measuring in-process gets", metadata: ["rounds": "\(rounds)", "tasks": "\(tasks)"])
            let speed = await throughput.run()
            report.addFigure(
                "in-process gets/s, \(tasks) tasks (median round)",
                value: speed.memoryCacheGetsPerSecond,
                unit: "/s"
            )
            report.addFigure(
                "bare sharded dictionary gets/s (median round)",
                value: speed.baselineGetsPerSecond,
                unit: "/s"
            )
            report.ratios.append(
                BenchmarkReport.Ratio(
                    name: "in-process gets",
                    value: speed.medianRatio,
                    against: "bare sharded dictionary"
                )
            )
            report.addFigure("in-process gets ratio min", value: speed.ratioRange.lowerBound, unit: "x")
            report.addFigure("in-process gets ratio max", value: speed.ratioRange.upperBound, unit: "x")
            var hits = HitRatioWorkload()
            hits.requests = requests
            logger.info("measuring hit ratios", metadata: ["requests": "\(requests)"])
            let ratio = hits.run()
            report.addFigure("budget (bytes)", value: Double(ratio.budget), unit: "B")
            report.addFigure(
                "W-TinyLFU bytes held, peak (sampled every 1,000 insertions)",
                value: Double(ratio.peakBytes),
                unit: "B"
            )
            report.addFigure("W-TinyLFU hit ratio, Zipf lookups", value: ratio.memoryCacheZipfHitRatio * 100, unit: "%")
            report.addFigure("LRU hit ratio, Zipf lookups", value: ratio.lruZipfHitRatio * 100, unit: "%")
            report.addFigure(
                "W-TinyLFU − LRU, Zipf lookups",
                value: (ratio.memoryCacheZipfHitRatio - ratio.lruZipfHitRatio) * 100,
                unit: "points"
            )
            report.addFigure(
                "W-TinyLFU hit ratio, all lookups (scans miss)",
                value: ratio.memoryCacheHitRatio * 100,
                unit: "%"
            )
            report.addFigure("LRU hit ratio, all lookups", value: ratio.lruHitRatio * 100, unit: "%")
            if httpRounds > 0 {
                var http = CacheHTTPBenchmark()
                http.rounds = httpRounds
                http.duration = .seconds(max(1, httpDuration))
                let executable =
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                    ?? CommandLine.arguments[0]
                logger.info("measuring HTTP beside nginx proxy_cache", metadata: ["rounds": "\(httpRounds)"])
                try await http.run(executable: executable, into: &report, logger: logger)
            }
            if !skipInvalidation {
                logger.info("measuring invalidations across two instances on Redis", metadata: ["samples": "200"])
                let spread = try await InvalidationLatencyWorkload().run()
                for (name, fraction) in [("p50", 0.5), ("p99", 0.99), ("max", 1.0)] {
                    report.addFigure(
                        "invalidation on A seen by B's in-process tier (Redis pub/sub), \(name)",
                        value: Double(spread.percentile(fraction).components.attoseconds) / 1e15
                            + Double(spread.percentile(fraction).components.seconds) * 1_000,
                        unit: "ms"
                    )
                }
            }
            if !skipConformance {
                conformanceFailures = try await measureConformance(into: &report, logger: logger)
            }
            return report
        }
        if !json, !conformanceFailures.isEmpty {
            print("\nCases whose outcome differs from a shared cache's (expected → got)")
            for line in conformanceFailures { print(line) }
        }
    }

    /// Replays the adapted cache-tests cases over HTTP against the middleware and nginx `proxy_cache`; adds the
    /// scores and returns the differing cases, one line each.
    func measureConformance(into report: inout BenchmarkReport, logger: Logger) async throws -> [String] {
        let run = CacheConformanceRun()
        let withNginx = (try? ExecutableLocator.default.locate("nginx")) != nil
        logger.info("replaying the cache-tests cases over HTTP", metadata: ["cases": "\(run.cases.count)"])
        let (ours, nginx) = try await run.run(withNginx: withNginx, logger: logger)
        let total = Double(run.cases.count)
        report.addFigure("cache-tests cases replayed over HTTP", value: total, unit: "count")
        let ourFailures = ours.failures(run.cases)
        report.addFigure("cache-tests cases as expected, ours", value: total - Double(ourFailures.count), unit: "count")
        var lines = ourFailures.map { "ours   \($0.0.id): \($0.0.expected) → \($0.1)" }
        if let nginx {
            let nginxFailures = nginx.failures(run.cases)
            report.addFigure(
                "cache-tests cases as expected, nginx proxy_cache",
                value: total - Double(nginxFailures.count),
                unit: "count"
            )
            lines += nginxFailures.map { "nginx  \($0.0.id): \($0.0.expected) → \($0.1)" }
        }
        return lines
    }
}
