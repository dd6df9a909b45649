public import Benchmarking
import Foundation
import Histogram
public import Logging
import ProgressTracking

/// `mastery bench progress`: how fast the progress tracker reads, changes and safely writes a PROGRESS.md of the
/// curriculum's size. No peer: the figures say what an update from the CLI or the dashboard costs.
public struct ProgressBenchmark: Sendable {
    /// How many times each step runs.
    public struct Configuration: Hashable, Sendable {
        /// In-memory iterations (parse, write back, snapshot, a verb).
        public var iterations = 2_000
        /// File updates through the store (lock, re-read, temporary file, fsync, rename).
        public var fileUpdates = 300

        /// Creates the default configuration.
        public init() {}
    }

    /// The configuration.
    public var configuration: Configuration

    /// Creates a benchmark.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Runs every step and returns the report.
    /// - Throws: ``BenchmarkError`` for impossible settings, or the tracker's error.
    public func run(logger: Logger) async throws -> BenchmarkReport {
        guard configuration.iterations >= 1, configuration.fileUpdates >= 2 else {
            throw BenchmarkError(code: .invalidArgument, message: "at least 1 iteration and 2 file updates")
        }
        let start = try CalendarDate(year: 2026, month: 1, day: 5)
        let day = try CalendarDate(year: 2026, month: 2, day: 10)
        let template = ProgressDocument.new(startingOn: start)
        let bytes = [UInt8](template.data)
        let project = try ProjectNumber(1)
        var report = BenchmarkReport(benchmark: "progress")
        report.addFigure("document size", value: Double(bytes.count), unit: "bytes")

        logger.info("Measuring in-memory steps")
        let parse = try measure(configuration.iterations) { _ = try ProgressDocument(data: bytes).data }
        report.addFigure("parse + write back", value: parse, unit: "us")
        let snapshot = try measure(configuration.iterations) { _ = try template.snapshot().pace(on: day) }
        report.addFigure("snapshot + pace", value: snapshot, unit: "us")
        let verb = try measure(configuration.iterations) { _ = try template.start(project, on: day) }
        report.addFigure("start (in memory, figures recomputed)", value: verb, unit: "us")

        logger.info("Measuring file updates")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-bench-progress-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = ProgressFileStore(path: directory.appendingPathComponent("PROGRESS.md").path)
        try store.create(template)
        var histogram = LatencyProbe.makeHistogram()
        let clock = ContinuousClock()
        let began = clock.now
        for index in 0..<configuration.fileUpdates {
            let before = clock.now
            // A cycle that every file update can repeat: ⬜ → 🟡 → ⏭️ → ⬜.
            _ = try store.update { document in
                switch index % 3 {
                case 0: try document.start(project, on: day)
                case 1: try document.skip(project, on: day)
                default: try document.reopen(project, on: day)
                }
            }
            LatencyProbe.record(clock.now - before, in: &histogram)
        }
        let seconds = (clock.now - began).microseconds / 1_000_000
        report.addFigure(
            "file updates/s (lock, re-read, fsync, rename)",
            value: Double(configuration.fileUpdates) / seconds,
            unit: "updates/s"
        )
        let percentiles = LatencyProbe.Result.percentiles(of: histogram)
        report.addFigure("file update p50", value: percentiles.p50, unit: "us")
        report.addFigure("file update p99", value: percentiles.p99, unit: "us")
        return report
    }

    /// The mean time of `body` over `iterations` runs, in microseconds.
    private func measure(_ iterations: Int, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations { try body() }
        return (clock.now - start).microseconds / Double(iterations)
    }
}
