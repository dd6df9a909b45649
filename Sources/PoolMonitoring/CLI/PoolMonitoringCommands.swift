public import CLIKit
public import Platform
import PoolMonitoring

/// The pool monitor's faces in the `mastery` executable: the system only, for now (no verbs, no benchmark yet).
public enum PoolMonitoringCommands: SystemCommands, Sendable {
    public static var system: any MasterySystem.Type { PoolSystem.self }
}
