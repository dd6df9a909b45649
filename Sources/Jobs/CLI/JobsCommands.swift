public import ArgumentParser
public import CLIKit
import Jobs
import JobsBenchmark
public import Platform

/// The job system's faces in the `mastery` executable.
public enum JobsCommands: SystemCommands, Sendable {
    public static var system: any MasterySystem.Type { JobsSystem.self }
    public static var command: (any ParsableCommand.Type)? { JobsCommand.self }
    public static var benchmark: (any ParsableCommand.Type)? { JobsBenchmarkCommand.self }
}
