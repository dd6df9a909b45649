public import ArgumentParser
import Benchmarking
import Foundation
import Logging
import Platform
import Storage

/// `mastery bench pool`: the pool's acquire/release cycle on a stub connection (no I/O, as HikariCP's benchmark
/// measures its pool) and on PostgreSQL without a query, beside PostgresNIO's `PostgresClient`; `SELECT 1`
/// throughput and the acquire wait (p50, p99) with 100 tasks on 10 connections, ours with the reset on release off
/// and on, beside `PostgresClient`, with pgbench (same concurrency, a connection per client) as the ceiling and
/// psycopg-pool for reference. Every side runs in every round, in alternating order, on one throwaway PostgreSQL
/// 15 (or `--postgres-url`); the figures are medians over the rounds, and the ratios median per-round ratios.
public struct PoolBenchmarkCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Benchmark the connection pool beside PostgresClient, pgbench and psycopg-pool."
    )

    @Option(help: "Rounds; each measures every side once, the order alternating from round to round.")
    var rounds = 3
    @Option(help: "The measured window of each side in each round, in seconds.") var duration = 3.0
    @Option(help: "The unmeasured warm-up before each window, in seconds (connections open, caches fill).")
    var warmUp = 1.0
    @Option(help: "Concurrent tasks running SELECT 1 (pgbench: clients, each on its own connection).")
    var tasks = 100
    @Option(help: "Connections of each pool (ours, PostgresClient, psycopg-pool).") var connections = 10
    @Option(help: "Concurrent tasks of the acquire/release cycles (comma-separated: one measurement each).")
    var cycleTasks = "16,100"
    @Option(help: "What to measure: stub (ours on a stub, no server), postgres (everything on PostgreSQL).")
    var parts = "stub,postgres"
    @Option(
        help:
            "Where the SELECT 1 tasks of ours and PostgresClient run: default (Swift's executor), loops (NIO's event loops, with loop affinity)."
    )
    var executors = "default,loops"
    @Option(help: "Use this PostgreSQL (postgres://user[:password]@host:port/db) instead of starting one.")
    var postgresURL: String?
    @Flag(help: "Leave out pgbench and psycopg-pool (PostgresClient, in this process, always runs).")
    var skipPeers = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    public init() {}

    public func validate() throws {
        guard rounds >= 1, duration >= 0.05, warmUp >= 0, tasks >= 1, connections >= 1, !cycleTaskCounts.isEmpty,
            cycleTaskCounts.allSatisfy({ $0 >= 1 })
        else {
            throw ValidationError(
                "need --rounds ≥ 1, --duration ≥ 0.05, --warm-up ≥ 0, --tasks ≥ 1, --connections ≥ 1, --cycle-tasks of counts ≥ 1"
            )
        }
        for part in selectedParts where !["stub", "postgres"].contains(part) {
            throw ValidationError("unknown part \(part): use stub or postgres")
        }
        for executor in selectedExecutors where !["default", "loops"].contains(executor) {
            throw ValidationError("unknown executor \(executor): use default or loops")
        }
        if let postgresURL {
            do {
                _ = try PostgresURL(postgresURL)
            } catch {
                throw ValidationError("--postgres-url is not a PostgreSQL URL: \(error)")
            }
        }
    }

    var selectedParts: [String] { parts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    var selectedExecutors: [String] {
        executors.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
    var cycleTaskCounts: [Int] {
        cycleTasks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
    var warmUpDuration: Duration { .microseconds(Int64(warmUp * 1_000_000)) }
    var windowDuration: Duration { .microseconds(Int64(duration * 1_000_000)) }

    public func run() async throws {
        ChildProcess.stopAllOnInterruptForBenchmarks()
        var measured: BenchmarkReport?
        try await BenchmarkReport.printing(json: json) { logger in
            let report = try await measure(logger: logger)
            measured = report
            return report
        }
        if !json, let measured {
            let targets = PoolBenchmarkTarget.all.compactMap { $0.verdict(in: measured, command: self) }
            guard !targets.isEmpty else { return }
            print("\nTargets (issue 14)")
            for line in targets { print(line) }
        }
    }

    /// Runs every round and summarises them.
    func measure(logger: Logger) async throws -> BenchmarkReport {
        let withServer = selectedParts.contains("postgres")
        if withServer, postgresURL == nil {
            logger.info("starting a throwaway PostgreSQL 15")
            let settings = ["max_connections": "\(max(200, tasks + 4 * connections + 20))"]
            return try await BenchmarkPostgresServer.withRunning(settings: settings) { running in
                try await measure(server: try PostgresURL(running.url), logger: logger)
            }
        }
        return try await measure(server: try postgresURL.map { try PostgresURL($0) }, logger: logger)
    }
}
