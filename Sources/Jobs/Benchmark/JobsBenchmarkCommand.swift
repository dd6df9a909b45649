public import ArgumentParser
import Benchmarking
import Jobs

/// `mastery bench jobs`.
public struct JobsBenchmarkCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Benchmark the job queue.")

    public init() {}

    public func run() async throws {}
}
