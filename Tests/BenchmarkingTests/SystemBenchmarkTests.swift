import Foundation
import Logging
import TestSupport
import Testing

@testable import Benchmarking

@Suite struct RedisBenchmarkToolTests {
    @Test("reads redis-benchmark --csv by column name, latencies in microseconds")
    func parse() {
        let csv = """
            "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            "SET","598802.38","1.171","0.160","1.087","1.911","2.583","5.263"
            "GET","875656.75","0.799","0.112","0.751","1.247","1.663","3.031"

            """
        let results = RedisBenchmarkTool.parse(csv: csv)
        #expect(results.map(\.test) == ["SET", "GET"])
        #expect(results[0].requestsPerSecond == 598802.38)
        #expect(abs(results[0].p50 - 1087) < 0.001 && abs(results[0].p99 - 2583) < 0.001)
    }

    @Test("an older tool without percentile columns still yields its rate; garbage yields nothing")
    func partial() {
        let old = RedisBenchmarkTool.parse(csv: "\"test\",\"rps\"\n\"PING_INLINE\",\"1000.00\"\n")
        #expect(old.first?.requestsPerSecond == 1000 && old.first?.p50.isNaN == true)
        #expect(RedisBenchmarkTool.parse(csv: "Error: Connection refused\n").isEmpty)
        #expect(RedisBenchmarkTool.parse(csv: "").isEmpty)
    }

    @Test("impossible settings are refused before anything starts")
    func validation() async throws {
        var configuration = RedisBenchmark.Configuration()
        configuration.requests = 10
        let error = await #expect(throws: BenchmarkError.self) {
            try await RedisBenchmark(configuration: configuration).run(logger: Logger(label: "test"))
        }
        #expect(error?.code == .invalidArgument)
    }
}

@Suite(
    "mastery bench redis, end to end on a tiny run",
    .enabled(if: TestServers.shouldRun(tools: "redis-server", "redis-benchmark"), "needs redis-server and redis-tools"),
    .timeLimit(.minutes(2))
)
struct RedisBenchmarkRunTests {
    @Test("runs both sides against its own redis-server and reports positive figures and four ratios")
    func tinyRun() async throws {
        var configuration = RedisBenchmark.Configuration()
        configuration.rounds = 1
        configuration.requests = 3_200
        configuration.clients = 4
        configuration.pipeline = 16
        configuration.latencyRequests = 200
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let report = try await RedisBenchmark(configuration: configuration).run(logger: logger)
        #expect(report.benchmark == "redis")
        #expect(report.ratios.map(\.name) == ["SET ops/s", "GET ops/s", "GET p50 latency", "GET p99 latency"])
        for ratio in report.ratios { #expect(ratio.value > 0 && ratio.value.isFinite, "\(ratio)") }
        let figures = Dictionary(report.figures.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect((figures["mastery SET ops/s"] ?? 0) > 0)
        #expect((figures["redis-benchmark GET ops/s"] ?? 0) > 0)
    }
}

@Suite struct ProgressBenchmarkTests {
    @Test("a tiny run reports positive timings for every step")
    func tinyRun() async throws {
        var configuration = ProgressBenchmark.Configuration()
        configuration.iterations = 5
        configuration.fileUpdates = 4
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let report = try await ProgressBenchmark(configuration: configuration).run(logger: logger)
        #expect(report.benchmark == "progress")
        #expect(report.figures.count == 7)
        for figure in report.figures { #expect(figure.value > 0 && figure.value.isFinite, "\(figure)") }
    }
}
