public import ArgumentParser
public import CLIKit
public import Platform
import Tally
import TallyBenchmark

/// The tally's faces in the `mastery` executable.
public enum TallyCommands: SystemCommands {
    public static var system: any MasterySystem.Type { TallySystem.self }
    public static var command: (any ParsableCommand.Type)? { TallyCommand.self }
    public static var benchmark: (any ParsableCommand.Type)? { TallyBenchmarkCommand.self }
}
