public import ArgumentParser
public import CLIKit
public import Platform
import ProgressTracking
import ProgressTrackingBenchmark

/// The tracker's faces in the `mastery` executable: the system `mastery serve` mounts, `mastery progress …` and
/// `mastery bench progress`.
public enum ProgressTrackingCommands: SystemCommands {
    public static var system: any MasterySystem.Type { ProgressSystem.self }
    public static var command: (any ParsableCommand.Type)? { ProgressCommand.self }
    public static var benchmark: (any ParsableCommand.Type)? { ProgressBenchmarkCommand.self }
}
