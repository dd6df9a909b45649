public import ArgumentParser
public import CLIKit
public import Platform
import PoolMonitoring

/// The pool monitor's faces in the `mastery` executable.
public enum PoolMonitoringCommands: SystemCommands, Sendable {
    public static var system: any MasterySystem.Type { PoolSystem.self }
    public static var command: (any ParsableCommand.Type)? { PoolCommand.self }
}
