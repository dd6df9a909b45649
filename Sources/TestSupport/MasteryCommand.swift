public import Foundation
public import Platform

/// Runs the `mastery` executable as a command-line user would, for tests of its commands: in a folder of the
/// test's own, with the runner's environment minus the variables that would change the command's answer.
public enum MasteryCommand {
    /// What a finished invocation left: its exit status and everything it wrote.
    public struct Result: Sendable {
        /// How it ended.
        public var status: ChildProcess.ExitStatus
        /// Its whole standard output.
        public var standardOutput: String
        /// Its whole standard error.
        public var standardError: String
    }

    /// Starts `mastery <arguments>` in `directory`.
    /// - Parameters:
    ///   - unsetting: Variables of the runner's environment the command must not see.
    ///   - environment: Variables set for the command (over the runner's).
    /// - Throws: When the executable is missing or cannot be started.
    public static func launch(
        _ arguments: [String],
        in directory: URL,
        unsetting: [String] = [],
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        var inherited = ProcessInfo.processInfo.environment
        for name in unsetting { inherited[name] = nil }
        return try ChildProcess(
            executable: try TestServers.masteryExecutable(),
            arguments: arguments,
            environment: inherited.merging(environment) { _, new in new },
            inheritsEnvironment: false,
            workingDirectory: directory
        )
    }

    /// Runs `mastery <arguments>` in `directory` to its end (at most a minute) and returns what it left.
    /// - Throws: as ``launch(_:in:unsetting:environment:)``, and when it does not exit within a minute.
    public static func run(
        _ arguments: [String],
        in directory: URL,
        unsetting: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> Result {
        let process = try launch(arguments, in: directory, unsetting: unsetting, environment: environment)
        let status = try await process.waitForExit(timeout: .seconds(60))
        return Result(
            status: status,
            standardOutput: process.readStandardOutput(),
            standardError: process.readStandardError()
        )
    }
}
