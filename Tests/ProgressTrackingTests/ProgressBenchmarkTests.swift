import Benchmarking
import Foundation
import Logging
import TestSupport
import Testing

@testable import ProgressTrackingBenchmark

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
