import Benchmarking
import Foundation

/// A target of issue 14, checked against the median ratio a run measured.
///
/// Each compares like with like: ours with the reset on release off, as `PostgresClient` (which does not reset)
/// and pgbench run. The reset (`ROLLBACK` + `DISCARD ALL`, two more round trips per release) is measured and shown
/// beside it, not held to the target.
struct PoolBenchmarkTarget: Sendable {
    /// What the target says.
    var title: String
    /// The ratio's name, without the prefix the command adds (see ``ratioName(command:)``).
    var ratio: String
    /// The peer as the report names it, or a prefix of it.
    var against: String
    /// The median ratio must be at least this (above 1 means we are ahead, whatever the unit).
    var threshold: Double
    /// Whether the threshold itself passes (`≥`) or must be exceeded (`>`).
    var inclusive: Bool
    /// Where the tasks run: on Swift's default executor, or on the event loops (each task with its loop's
    /// `EventLoopTaskExecutor`, where the pool lends it that loop's connections first).
    var onLoops = false

    static let all =
        defaultExecutor
        + defaultExecutor.map { target in
            var target = target
            target.onLoops = true
            target.title += ", tasks on the event loops"
            if target.against == "PostgresClient" { target.against = "PostgresClient, tasks on the event loops" }
            return target
        }

    static let defaultExecutor = [
        PoolBenchmarkTarget(
            title: "SELECT 1 throughput ≥ 1.0× PostgresClient (ours with reset off, as PostgresClient)",
            ratio: "queries/s, ours, reset off",
            against: "PostgresClient",
            threshold: 1.0,
            inclusive: true
        ),
        PoolBenchmarkTarget(
            title: "p99 acquire wait lower than PostgresClient's (ours with reset off)",
            ratio: "p99 acquire wait, ours, reset off",
            against: "PostgresClient",
            threshold: 1.0,
            inclusive: false
        ),
        PoolBenchmarkTarget(
            title: "SELECT 1 throughput ≥ 0.6× pgbench (ours with reset off)",
            ratio: "queries/s, ours, reset off",
            against: "pgbench",
            threshold: 0.6,
            inclusive: true
        ),
    ]

    /// `PASS`/`MISS`, the title and the ratio; nil when the run did not measure it.
    func verdict(in report: BenchmarkReport, command: PoolBenchmarkCommand) -> String? {
        let name =
            "SELECT 1, \(command.tasks) tasks on \(command.connections) connections"
            + (onLoops ? ", tasks on the event loops" : "") + ": \(ratio)"
        guard let measured = report.ratios.first(where: { $0.name == name && $0.against.hasPrefix(against) }) else {
            return nil
        }
        let met = inclusive ? measured.value >= threshold : measured.value > threshold
        return "\(met ? "PASS" : "MISS")  \(title): \(String(format: "%.3f", measured.value))x"
    }
}
