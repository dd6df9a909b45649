import Benchmarking
import Foundation
import Logging
import Storage

extension PoolBenchmarkCommand {
    /// The sides this run measures, in the order of odd rounds (even rounds run them in reverse).
    func sides(withServer: Bool) -> [PoolBenchmarkSide] {
        var sides: [PoolBenchmarkSide] = []
        for count in cycleTaskCounts {
            if selectedParts.contains("stub") { sides.append(.stubCycles(tasks: count)) }
            if withServer { sides += [.poolCycles(tasks: count), .clientCycles(tasks: count)] }
        }
        if withServer {
            if selectedExecutors.contains("default") {
                sides += [.poolSelect(reset: false), .poolSelect(reset: true), .clientSelect]
            }
            if selectedExecutors.contains("loops") { sides += [.poolSelectOnLoops, .clientSelectOnLoops] }
            sides += Set([connections, tasks]).sorted().map { .driverSelect(tasks: $0) }
            if !skipPeers { sides += [.pgbench, .psycopg] }
        }
        return sides
    }

    /// Runs the rounds (every side once per round, forwards in odd rounds and backwards in even ones, so a drift of
    /// the machine weighs on all sides alike) and builds the report.
    func measure(server: PostgresURL?, logger: Logger) async throws -> BenchmarkReport {
        if let server { logger.info("measuring", metadata: ["server": "\(server.redacted)"]) }
        let withPeers = server != nil && !skipPeers
        let pgbench: PgbenchPeer? = try withPeers ? PgbenchPeer.locate() : nil
        let psycopg: PsycopgPoolPeer? = try withPeers ? PsycopgPoolPeer.locate() : nil
        let sides = self.sides(withServer: server != nil)
        var results: [PoolBenchmarkSide: [PoolBenchmarkMeasurement]] = [:]
        var psycopgVersion = ""
        for round in 1...rounds {
            for side in PeerComparison.order(ofRound: round) == [.us, .peer] ? sides : Array(sides.reversed()) {
                try Task.checkCancellation()
                let measurement: PoolBenchmarkMeasurement
                switch side {
                case .pgbench:
                    guard let pgbench, let server else { continue }
                    let seconds = max(1, Int(duration.rounded()))
                    let tps = try await pgbench.run(url: server, clients: tasks, threads: 2, seconds: seconds)
                    measurement = PoolBenchmarkMeasurement(perSecond: tps)
                case .psycopg:
                    guard let psycopg, let server else { continue }
                    let run = try await psycopg.run(
                        url: server,
                        tasks: tasks,
                        connections: connections,
                        warmUp: warmUpDuration,
                        duration: windowDuration
                    )
                    psycopgVersion = run.version
                    measurement = PoolBenchmarkMeasurement(perSecond: run.perSecond)
                default:
                    measurement = try await measure(side, server: server)
                }
                logger.info(
                    "measured",
                    metadata: [
                        "round": "\(round)", "side": "\(label(side))", "per_second": "\(Int(measurement.perSecond))",
                        "wait_p99_us": "\(measurement.waitP99.map { "\(Int($0))" } ?? "-")",
                    ]
                )
                results[side, default: []].append(measurement)
            }
        }
        return try report(results, psycopgVersion: psycopgVersion)
    }

    /// The figures (medians over the rounds) and the ratios (median per-round ratios, with their spread).
    func report(
        _ results: [PoolBenchmarkSide: [PoolBenchmarkMeasurement]],
        psycopgVersion: String
    ) throws -> BenchmarkReport {
        let median = PeerComparison.Spread.median(of:)
        var report = BenchmarkReport(benchmark: "pool")
        let select = "SELECT 1, \(tasks) tasks on \(connections) connections"
        for side in sides(withServer: true) {
            guard let measured = results[side] else { continue }
            let unit: String
            switch side {
            case .stubCycles, .poolCycles, .clientCycles: unit = "cycles/s"
            case .pgbench: unit = "tps"
            default: unit = "queries/s"
            }
            var name = label(side)
            if side == .psycopg {
                name = name.replacingOccurrences(of: "psycopg-pool", with: "psycopg-pool \(psycopgVersion)")
            }
            report.addFigure(
                "\(name) (median of \(measured.count))",
                value: median(measured.map(\.perSecond)),
                unit: unit
            )
            let p50 = measured.compactMap(\.waitP50)
            let p99 = measured.compactMap(\.waitP99)
            if !p99.isEmpty {
                report.addFigure("\(name): acquire wait p50 (median)", value: median(p50), unit: "us")
                report.addFigure("\(name): acquire wait p99 (median)", value: median(p99), unit: "us")
            }
        }
        func ratio(
            _ name: String,
            _ ours: PoolBenchmarkSide,
            _ peer: PoolBenchmarkSide,
            against: String,
            direction: PeerComparison.Direction = .higherIsBetter,
            metric: (PoolBenchmarkMeasurement) -> Double? = { $0.perSecond }
        ) throws {
            guard let oursMeasured = results[ours], let peerMeasured = results[peer] else { return }
            let spread = try PeerComparison.Spread(
                ours: oursMeasured.compactMap(metric),
                peer: peerMeasured.compactMap(metric),
                direction: direction
            )
            report.addRatio(name, spread: spread, against: against)
        }
        for count in cycleTaskCounts {
            let client = "PostgresClient (withConnection, no query)"
            try ratio(
                "acquire/release cycles/s, \(count) tasks: ours on a stub",
                .stubCycles(tasks: count),
                .clientCycles(tasks: count),
                against: client
            )
            try ratio(
                "acquire/release cycles/s, \(count) tasks: ours on PostgreSQL, no query, reset off",
                .poolCycles(tasks: count),
                .clientCycles(tasks: count),
                against: client
            )
        }
        for reset in [false, true] {
            let ours = "ours, reset \(reset ? "on" : "off")"
            try ratio(
                "\(select): queries/s, \(ours)",
                .poolSelect(reset: reset),
                .clientSelect,
                against: "PostgresClient"
            )
            try ratio(
                "\(select): p99 acquire wait, \(ours)",
                .poolSelect(reset: reset),
                .clientSelect,
                against: "PostgresClient",
                direction: .lowerIsBetter,
                metric: { $0.waitP99 }
            )
            try ratio(
                "\(select): queries/s, \(ours)",
                .poolSelect(reset: reset),
                .pgbench,
                against: "pgbench (\(tasks) connections)"
            )
        }
        let onLoops = "\(select), tasks on the event loops"
        try ratio(
            "\(onLoops): queries/s, ours, reset off",
            .poolSelectOnLoops,
            .clientSelectOnLoops,
            against: "PostgresClient, tasks on the event loops"
        )
        try ratio(
            "\(onLoops): p99 acquire wait, ours, reset off",
            .poolSelectOnLoops,
            .clientSelectOnLoops,
            against: "PostgresClient, tasks on the event loops",
            direction: .lowerIsBetter,
            metric: { $0.waitP99 }
        )
        try ratio(
            "\(onLoops): queries/s, ours, reset off",
            .poolSelectOnLoops,
            .pgbench,
            against: "pgbench (\(tasks) connections)"
        )
        for count in Set([connections, tasks]).sorted() {
            let driver = "PostgresNIO, no pool, \(count) connections"
            try ratio(
                "\(select): queries/s, ours, reset off",
                .poolSelect(reset: false),
                .driverSelect(tasks: count),
                against: driver
            )
            try ratio(
                "SELECT 1: queries/s, \(driver)",
                .driverSelect(tasks: count),
                .pgbench,
                against: "pgbench (\(tasks) connections)"
            )
        }
        return report
    }

    /// How a side is named in the report.
    func label(_ side: PoolBenchmarkSide) -> String {
        let select = "SELECT 1, \(tasks) tasks on \(connections) connections"
        switch side {
        case .stubCycles(let count):
            return "acquire/release, ours on a stub (no I/O), \(count) tasks on \(connections) connections"
        case .poolCycles(let count):
            return
                "acquire/release, ours on PostgreSQL, no query, reset off, \(count) tasks on \(connections) connections"
        case .clientCycles(let count):
            return
                "acquire/release, PostgresClient on PostgreSQL, no query, \(count) tasks on \(connections) connections"
        case .poolSelect(let reset):
            return "\(select): ours, reset \(reset ? "on (the default: dirty sessions only)" : "off")"
        case .clientSelect: return "\(select): PostgresClient"
        case .poolSelectOnLoops: return "\(select), tasks on the event loops: ours, reset off"
        case .clientSelectOnLoops: return "\(select), tasks on the event loops: PostgresClient"
        case .driverSelect(let count):
            return "SELECT 1: PostgresNIO, no pool, \(count) connections each driven by one task (the driver's ceiling)"
        case .pgbench: return "SELECT 1: pgbench -c \(tasks) -j 2 (\(tasks) connections, simple protocol)"
        case .psycopg: return "\(select): psycopg-pool (reference: Python asyncio)"
        }
    }
}
