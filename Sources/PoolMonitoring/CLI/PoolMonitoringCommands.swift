public import ArgumentParser
public import CLIKit
public import Platform
import PoolMonitoring
import PoolMonitoringBenchmark

/// The pool monitor's faces in the `mastery` executable: the system, `mastery pool …` and `mastery bench pool`.
public enum PoolMonitoringCommands: SystemCommands, Sendable {
    public static var system: any MasterySystem.Type { PoolSystem.self }
    public static var command: (any ParsableCommand.Type)? { PoolCommand.self }
    public static var benchmark: (any ParsableCommand.Type)? { PoolBenchmarkCommand.self }
}
