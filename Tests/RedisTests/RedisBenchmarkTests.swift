import Benchmarking
import Foundation
import Logging
import TestSupport
import Testing

@testable import RedisBenchmark

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

@Suite struct RedisBenchmarkValidationTests {
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
