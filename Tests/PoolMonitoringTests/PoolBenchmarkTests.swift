import ArgumentParser
import Benchmarking
import Foundation
import Logging
import TestSupport
import Testing

@testable import PoolMonitoringBenchmark

@Suite struct PoolBenchmarkTests {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// The JSON object of a report, parsed back: every figure and ratio a positive, finite number.
    static func checkParses(_ report: BenchmarkReport) throws -> [String: Any] {
        let json = try report.renderJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["benchmark"] as? String == "pool")
        let figures = try #require(object["figures"] as? [[String: Any]])
        for figure in figures {
            let value = try #require(figure["value"] as? Double)
            #expect(value > 0 && value.isFinite, "\(figure)")
        }
        #expect(report.renderTable().hasPrefix("Benchmark: pool\n"))
        return object
    }

    @Test("a tiny run on the stub reports positive cycle rates")
    func stubRun() async throws {
        let command = try PoolBenchmarkCommand.parse([
            "--parts", "stub", "--rounds", "2", "--duration", "1", "--warm-up", "0.2", "--connections", "2",
            "--cycle-tasks", "1,4",
        ])
        let report = try await command.measure(logger: Self.logger)
        let object = try Self.checkParses(report)
        #expect((object["figures"] as? [Any])?.count == 2)
        #expect(report.figures.allSatisfy { $0.unit == "cycles/s" && $0.name.contains("stub") })
        #expect(report.ratios.isEmpty)
    }

    @Test(
        "a tiny run on PostgreSQL reports every side, the ratios to PostgresClient and a verdict per target",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func postgresRun() async throws {
        let url = try TestServers.requirePostgresURL()
        let command = try PoolBenchmarkCommand.parse([
            // Windows long enough that a loaded machine (the whole suite runs in parallel) completes an operation.
            "--postgres-url", url, "--skip-peers", "--rounds", "1", "--duration", "1.5", "--warm-up", "0.3",
            "--tasks", "8", "--connections", "2", "--cycle-tasks", "4", "--executors", "default",
        ])
        let report = try await command.measure(logger: Self.logger)
        _ = try Self.checkParses(report)
        let names = report.figures.map(\.name)
        for side in ["ours on a stub", "ours on PostgreSQL, no query", "PostgresClient on PostgreSQL, no query"] {
            #expect(names.contains { $0.hasPrefix("acquire/release, \(side)") }, "\(side)")
        }
        for side in ["ours, reset off", "ours, reset on", "PostgresClient"] {
            #expect(names.contains { $0.hasPrefix("SELECT 1, 8 tasks on 2 connections: \(side)") }, "\(side)")
        }
        #expect(names.contains { $0.contains("PostgresClient: acquire wait p99") })
        for count in [2, 8] {
            #expect(names.contains { $0.hasPrefix("SELECT 1: PostgresNIO, no pool, \(count) connections") }, "\(count)")
        }
        #expect(!names.contains { $0.contains("tasks on the event loops") })
        // Two cycle ratios; per reset setting, throughput and p99 against PostgresClient; ours against the driver
        // with no pool on 2 and on 8 connections (pgbench skipped).
        #expect(report.ratios.count == 8)
        #expect(report.ratios.filter { $0.against.hasPrefix("PostgresNIO, no pool") }.count == 2)
        #expect(report.ratios.allSatisfy { $0.value > 0 && $0.value.isFinite })
        let verdicts = PoolBenchmarkTarget.all.compactMap { $0.verdict(in: report, command: command) }
        // Against PostgresClient: throughput and p99 (pgbench skipped).
        #expect(verdicts.count == 2)
        #expect(verdicts.allSatisfy { $0.hasPrefix("PASS ") || $0.hasPrefix("MISS ") })
    }

    @Test(
        "a tiny run with the tasks on the event loops reports both pools there, their ratios and verdicts",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func eventLoopRun() async throws {
        let url = try TestServers.requirePostgresURL()
        // One task per loop (two loops here), so each loop mostly waits for PostgreSQL: many looping tasks would
        // keep NIO's loops busy for every other test of the process.
        let command = try PoolBenchmarkCommand.parse([
            "--postgres-url", url, "--skip-peers", "--rounds", "1", "--duration", "1", "--warm-up", "0.2",
            "--tasks", "2", "--connections", "2", "--parts", "postgres", "--cycle-tasks", "1",
            "--executors", "loops",
        ])
        let report = try await command.measure(logger: Self.logger)
        let names = report.figures.map(\.name)
        for side in ["ours, reset off", "PostgresClient"] {
            let name = "SELECT 1, 2 tasks on 2 connections, tasks on the event loops: \(side)"
            #expect(names.contains { $0.hasPrefix(name) }, "\(side)")
        }
        #expect(!names.contains { $0.hasPrefix("SELECT 1, 2 tasks on 2 connections: ours") })
        let onLoops = report.ratios.filter { $0.name.contains("tasks on the event loops") }
        #expect(onLoops.count == 2)
        #expect(onLoops.allSatisfy { $0.value > 0 && $0.value.isFinite })
        let verdicts = PoolBenchmarkTarget.all.compactMap { $0.verdict(in: report, command: command) }
        #expect(verdicts.count == 2)
        #expect(verdicts.allSatisfy { $0.contains("tasks on the event loops") })
        #expect(throws: (any Error).self) { try PoolBenchmarkCommand.parse(["--executors", "threads"]) }
    }

    @Test("pgbench's report is read, and one with failed transactions is refused")
    func pgbenchOutput() throws {
        let output = """
            transaction type: select1.sql
            number of clients: 100
            number of threads: 2
            duration: 3 s
            number of transactions actually processed: 153012
            number of failed transactions: 0 (0.000%)
            latency average = 1.952 ms
            initial connection time = 61.342 ms
            tps = 51234.567890 (without initial connection time)
            """
        #expect(try PgbenchPeer.parse(output: output) == 51234.567890)
        let failed = output.replacingOccurrences(
            of: "failed transactions: 0 (0.000%)",
            with: "failed transactions: 3 (0.1%)"
        )
        #expect(throws: BenchmarkError.self) { try PgbenchPeer.parse(output: failed) }
        #expect(throws: BenchmarkError.self) { try PgbenchPeer.parse(output: "pgbench: error: connection failed") }
    }

    @Test("the psycopg-pool driver's JSON line is read")
    func psycopgOutput() throws {
        let run = try PsycopgPoolPeer.parse(
            output: "noise\n{\"queries\": 14400, \"seconds\": 3.0, \"per_second\": 4800.0, \"version\": \"3.3.3\"}\n"
        )
        #expect(run.perSecond == 4800 && run.version == "3.3.3")
        #expect(throws: BenchmarkError.self) { try PsycopgPoolPeer.parse(output: "Traceback …") }
    }
}
