public import ArgumentParser
import Benchmarking
import Foundation
import Storage
import Tally

/// `mastery bench tally`: increments per second through the SQLite store, one caller and many at once.
public struct TallyBenchmarkCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Benchmark the tally: SQLite increments per second, sequential and concurrent."
    )

    @Option(help: "Increments per run.") var increments = 5_000
    @Option(help: "Concurrent callers in the second run.") var callers = 8
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    public init() {}

    public func validate() throws {
        guard increments >= callers, callers >= 1 else {
            throw ValidationError("--increments must be at least --callers")
        }
    }

    public func run() async throws {
        try await BenchmarkReport.printing(json: json) { logger in
            try await TemporaryDirectory.with(prefix: "mastery-bench-tally") { folder in
                let storage = try SQLiteStorage(path: folder.appendingPathComponent("tally.sqlite").path)
                try await storage.migrate([TallyStore.migrations], logger: logger)
                let store = TallyStore(storage: storage)
                var report = BenchmarkReport(benchmark: "tally")
                let clock = ContinuousClock()
                let sequential = try await clock.measure {
                    for _ in 0..<increments { _ = try await store.increment("sequential") }
                }
                report.addFigure(
                    "increments/s, 1 caller",
                    value: Double(increments) / sequential.microseconds * 1_000_000,
                    unit: "/s"
                )
                let perCaller = increments / callers
                let concurrent = try await clock.measure {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<callers {
                            group.addTask { for _ in 0..<perCaller { _ = try await store.increment("concurrent") } }
                        }
                        try await group.waitForAll()
                    }
                }
                report.addFigure(
                    "increments/s, \(callers) callers",
                    value: Double(perCaller * callers) / concurrent.microseconds * 1_000_000,
                    unit: "/s"
                )
                guard try await store.value(of: "concurrent") == perCaller * callers else {
                    throw BenchmarkError(code: .invalidOutput, message: "concurrent increments were lost")
                }
                return report
            }
        }
    }
}
