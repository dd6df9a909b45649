import Benchmarking
import Foundation
import Jobs
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage

extension JobsBenchmarkCommand {
    /// PostgreSQL: ours and pgqueuer in alternating rounds on one server (a fresh database per round of ours,
    /// pgqueuer's schema recreated per round of its), then the idle latency and the transactional enqueues.
    func measurePostgres(into report: inout BenchmarkReport, logger: Logger) async throws {
        if let postgresURL {
            try await measurePostgres(server: postgresURL, into: &report, logger: logger)
        } else {
            logger.info("starting a throwaway PostgreSQL 15 (durable: fsync and synchronous_commit on)")
            let measured = try await BenchmarkPostgresServer.withRunning(settings: ["max_connections": "200"]) {
                running in
                var report = report
                try await measurePostgres(server: running.url, into: &report, logger: logger)
                return report
            }
            report = measured
        }
    }

    func measurePostgres(server: String, into report: inout BenchmarkReport, logger: Logger) async throws {
        let pgqueuer: PgQueuerPeer.Installation?
        switch PgQueuerPeer.locate() {
        case .success(let installation): pgqueuer = skipPgqueuer ? nil : installation
        case .failure(let error):
            if pgqueuerSweep != nil { throw error }
            if !skipPgqueuer { logger.warning("pgqueuer left out: \(error.message)") }
            pgqueuer = nil
        }
        if let sweep = pgqueuerSweep, let pgqueuer {
            let parsed = sweep == "published" ? PgQueuerPeer.Sweep.published : try PgQueuerPeer.Sweep(parsing: sweep)
            let results = try await PgQueuerPeer.sweep(
                parsed,
                python: pgqueuer.python,
                postgresURL: server,
                timeout: .seconds(900)
            ) {
                logger.info(
                    "pgqueuer round",
                    metadata: [
                        "jobs/s": "\(Int($0.jobsPerSecond))", "batch": "\($0.batchSize)",
                        "consumers": "\($0.consumers)",
                    ]
                )
            }
            for result in results {
                let cell = result.cell
                report.addFigure(
                    "pgqueuer batch \(cell.batchSize) × \(cell.consumers) \(cell.mode.rawValue), autovac \(cell.autovacuumTuning ? "on" : "off")",
                    value: result.medianJobsPerSecond,
                    unit: "jobs/s"
                )
            }
            return
        }
        var ours: [Double] = []
        var theirs: [Double] = []
        var enqueueRates: [Double] = []
        var peaks: [Double] = []
        let comparison = PeerComparison(rounds: rounds)
        _ = try await comparison.run(logger: logger) {
            let (enqueue, burn) = try await withDatabase(server: server, logger: logger) { storage in
                let signal = PostgresJobSignal(pool: storage.pool, logger: nil)
                let store = PostgresJobStore(pool: storage.pool, signal: signal)
                let enqueue = try await JobsMeasurements.enqueue(store, count: jobs)
                let burn = try await JobsMeasurements.burnDown(
                    store,
                    signal: signal,
                    count: jobs,
                    concurrency: concurrency,
                    logger: logger,
                    services: [signal]
                )
                return (enqueue, burn)
            }
            logger.info("ours", metadata: ["jobs/s": "\(Int(burn.jobsPerSecond))", "enqueue/s": "\(Int(enqueue))"])
            ours.append(burn.jobsPerSecond)
            enqueueRates.append(enqueue)
            peaks.append(burn.peakResidentMiB)
            return burn.jobsPerSecond
        } measurePeer: {
            guard let pgqueuer else { return 0.0 }
            let round = try await PgQueuerPeer.run(
                python: pgqueuer.python,
                postgresURL: server,
                jobs: jobs,
                batchSize: PgQueuerPeer.bestBatchSize,
                consumers: PgQueuerPeer.bestConsumers,
                timeout: .seconds(900)
            )
            logger.info("pgqueuer", metadata: ["jobs/s": "\(Int(round.jobsPerSecond))"])
            theirs.append(round.jobsPerSecond)
            return round.jobsPerSecond
        }
        let median = PeerComparison.Spread.median(of:)
        report.addFigure(
            "postgres: enqueue, bulks of 1,000 (median of \(rounds))",
            value: median(enqueueRates),
            unit: "jobs/s"
        )
        report.addFigure(
            "postgres: burn-down of \(jobs) no-op jobs (median of \(rounds))",
            value: median(ours),
            unit: "jobs/s"
        )
        report.addFigure("postgres: worker peak resident memory", value: peaks.max() ?? 0, unit: "MiB")
        if pgqueuer != nil {
            report.addFigure(
                "pgqueuer \(pgqueuer?.version ?? ""): burn-down, batch \(PgQueuerPeer.bestBatchSize) × \(PgQueuerPeer.bestConsumers) \(PgQueuerPeer.bestMode.rawValue) (median of \(rounds))",
                value: median(theirs),
                unit: "jobs/s"
            )
            report.addRatio(
                "burn-down jobs/s",
                spread: try PeerComparison.Spread(ours: ours, peer: theirs, direction: .higherIsBetter),
                against: "pgqueuer"
            )
        }
        let latency = try await withDatabase(server: server, logger: logger) { storage in
            let signal = PostgresJobSignal(pool: storage.pool, logger: nil)
            let store = PostgresJobStore(pool: storage.pool, signal: signal)
            return try await JobsMeasurements.idleLatency(
                store,
                signal: signal,
                samples: latencySamples,
                logger: logger,
                services: [signal],
                producerSignals: false
            )
        }
        report.addFigure(
            "postgres: enqueue-to-start on an idle queue p50 (LISTEN/NOTIFY)",
            value: latency.p50,
            unit: "ms"
        )
        report.addFigure(
            "postgres: enqueue-to-start on an idle queue p99 (LISTEN/NOTIFY)",
            value: latency.p99,
            unit: "ms"
        )
        let transactional = try await withDatabase(server: server, logger: logger) { storage in
            try await transactionalEnqueues(storage, logger: logger)
        }
        report.addFigure(
            "postgres: transactional enqueue, one job per transaction, \(transactionalTasks) tasks",
            value: transactional,
            unit: "jobs/s"
        )
    }

    /// `transactionalJobs` jobs, each enqueued in its own transaction by one of `transactionalTasks` tasks.
    func transactionalEnqueues(_ storage: PostgresStorage, logger: Logger) async throws -> Double {
        let signal = PostgresJobSignal(pool: storage.pool, logger: nil)
        let store = PostgresJobStore(pool: storage.pool, signal: signal)
        let job = NewJob(kind: JobsMeasurements.noop.name, queue: "bench", payload: Data("{}".utf8), runAt: Date())
        let perTask = transactionalJobs / transactionalTasks
        let clock = ContinuousClock()
        let elapsed = try await withThrowingTaskGroup(of: Void.self) { running in
            // The signal's own task coalesces the notifications the enqueuers ask for.
            let services = ServiceGroup(configuration: .init(services: [signal], logger: logger))
            running.addTask { try await services.run() }
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<transactionalTasks {
                        group.addTask {
                            for _ in 0..<perTask {
                                try await storage.pool.withTransaction(label: "bench", logger: logger) { connection in
                                    _ = try await store.enqueue([job], at: Date(), on: connection)
                                }
                                await signal.signal(["bench"])
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            await services.triggerGracefulShutdown()
            try await running.waitForAll()
            return elapsed
        }
        let stored = try await store.statistics(at: Date()).first { $0.queue == "bench" }?.ready ?? 0
        guard stored == perTask * transactionalTasks else {
            throw BenchmarkError(
                code: .invalidMeasurement,
                message: "\(stored) of \(perTask * transactionalTasks) transactional jobs were stored"
            )
        }
        return Double(stored) / elapsed.secondsValue
    }

    /// Runs `body` on a fresh database (created, migrated, its pool running, then dropped).
    func withDatabase<T: Sendable>(
        server: String,
        logger: Logger,
        _ body: (PostgresStorage) async throws -> T
    ) async throws -> T {
        let quiet = Logger(label: "mastery.bench.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let adminURL = try PostgresURL(server)
        let admin = try PostgresStorage(url: adminURL, logger: quiet)
        let name = "mastery_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        var url = adminURL
        url.database = String(name)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await admin.run() }
            defer { group.cancelAll() }
            try await admin.pool.query("CREATE DATABASE \(unescaped: url.database)")
            let storage = try PostgresStorage(url: url, logger: quiet)
            do {
                let result = try await withThrowingTaskGroup(of: Void.self) { inner in
                    inner.addTask { try await storage.run() }
                    defer { inner.cancelAll() }
                    try await storage.migrate([PostgresJobStore.migrations], logger: quiet)
                    return try await body(storage)
                }
                try await admin.pool.query("DROP DATABASE IF EXISTS \(unescaped: url.database) WITH (FORCE)")
                return result
            } catch {
                _ = try? await admin.pool.query("DROP DATABASE IF EXISTS \(unescaped: url.database) WITH (FORCE)")
                throw error
            }
        }
    }
}
