public import ArgumentParser
import Benchmarking
import Foundation
import Jobs
import Logging
import Storage

/// `mastery bench jobs`: on SQLite and on PostgreSQL, the bulk enqueue rate and the burn-down rate of no-op jobs
/// with the worker's peak memory, the enqueue-to-start latency on an idle queue, concurrent single-job
/// transactional enqueues (PostgreSQL), and, side by side on the same PostgreSQL in alternating rounds, pgqueuer
/// burning down the same jobs at its best settings.
public struct JobsBenchmarkCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Benchmark the job queue on SQLite and PostgreSQL, side by side with pgqueuer."
    )

    @Option(help: "No-op jobs per burn-down.") var jobs = 100_000
    @Option(
        help:
            "The worker's concurrency in the burn-down (claims and finishes go in batches of up to this many; pgqueuer runs 4 × 500)."
    )
    var concurrency = 1_000
    @Option(help: "Alternating rounds of ours and pgqueuer on PostgreSQL.") var rounds = 3
    @Option(help: "Idle-queue latency samples per store.") var latencySamples = 200
    @Option(help: "Jobs enqueued one per transaction by the concurrent tasks (PostgreSQL).") var transactionalJobs =
        10_000
    @Option(help: "Concurrent tasks enqueueing one job per transaction (PostgreSQL).") var transactionalTasks = 64
    @Option(help: "Stores to measure: sqlite, postgres, memory (comma-separated).") var stores = "sqlite,postgres"
    @Option(help: "Use this PostgreSQL (a database is created and dropped per round) instead of starting one.")
    var postgresURL: String?
    @Flag(help: "Leave pgqueuer out.") var skipPgqueuer = false
    @Option(
        help: "Run pgqueuer's settings sweep instead (`published`, or e.g. `batch=100,500;consumers=2,4;repeats=3`)."
    )
    var pgqueuerSweep: String?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    public init() {}

    public func validate() throws {
        guard jobs >= 1_000, concurrency >= 1, concurrency <= 1_000, rounds >= 1, latencySamples >= 10,
            transactionalTasks >= 1, transactionalJobs >= transactionalTasks
        else {
            throw ValidationError("need --jobs ≥ 1000, --concurrency 1…1000, --rounds ≥ 1, --latency-samples ≥ 10")
        }
        for store in selectedStores where !["sqlite", "postgres", "memory"].contains(store) {
            throw ValidationError("unknown store \(store): use sqlite, postgres or memory")
        }
    }

    var selectedStores: [String] { stores.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    public func run() async throws {
        try await BenchmarkReport.printing(json: json) { logger in
            var report = BenchmarkReport(benchmark: "jobs")
            if pgqueuerSweep == nil {
                for store in selectedStores where store != "postgres" {
                    try await measureEmbedded(store, into: &report, logger: logger)
                }
            }
            if selectedStores.contains("postgres") || pgqueuerSweep != nil {
                try await measurePostgres(into: &report, logger: logger)
            }
            return report
        }
    }

    /// SQLite (a fresh file per measurement) or memory.
    func measureEmbedded(_ store: String, into report: inout BenchmarkReport, logger: Logger) async throws {
        func withStore<T: Sendable>(_ body: (any JobStore) async throws -> T) async throws -> T {
            guard store == "sqlite" else { return try await body(InMemoryJobStore()) }
            return try await TemporaryDirectory.with(prefix: "mastery-bench-jobs") { folder in
                let storage = try SQLiteStorage(path: folder.appendingPathComponent("jobs.sqlite").path)
                try await storage.migrate([SQLiteJobStore.migrations], logger: logger)
                defer { try? storage.close() }
                return try await body(SQLiteJobStore(storage: storage))
            }
        }
        logger.info("measuring", metadata: ["store": .string(store)])
        let burn = try await withStore { store in
            let enqueue = try await JobsMeasurements.enqueue(store, count: jobs)
            let burn = try await JobsMeasurements.burnDown(
                store,
                signal: LocalJobSignal(),
                count: jobs,
                concurrency: concurrency,
                logger: logger
            )
            return (enqueue, burn)
        }
        report.addFigure("\(store): enqueue, bulks of 1,000", value: burn.0, unit: "jobs/s")
        report.addFigure("\(store): burn-down of \(jobs) no-op jobs", value: burn.1.jobsPerSecond, unit: "jobs/s")
        report.addFigure("\(store): worker peak resident memory", value: burn.1.peakResidentMiB, unit: "MiB")
        report.addFigure(
            "\(store): resident memory before the burn-down",
            value: burn.1.baselineResidentMiB,
            unit: "MiB"
        )
        let latency = try await withStore { store in
            try await JobsMeasurements.idleLatency(
                store,
                signal: LocalJobSignal(),
                samples: latencySamples,
                logger: logger
            )
        }
        report.addFigure("\(store): enqueue-to-start on an idle queue p50", value: latency.p50, unit: "ms")
        report.addFigure("\(store): enqueue-to-start on an idle queue p99", value: latency.p99, unit: "ms")
    }
}
