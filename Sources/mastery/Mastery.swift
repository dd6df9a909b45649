import ArgumentParser
import Benchmarking
import CLIKit
import RedisBenchmark

/// `mastery`: the curriculum's systems as one server and one command-line tool.
@main
struct Mastery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mastery",
        abstract: "The 40 systems of Backend Engineering Mastery, as one server and one tool.",
        subcommands: [ServeCommand.self] + systems.compactMap { $0.command } + [BenchCommand.self]
    )
}

/// `mastery bench <name>`: benchmarks, meant for release builds (`swift build -c release`): the server's HTTP
/// baseline, the Redis client, and each system's.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a system, side by side with its peer where one is named (use a release build).",
        subcommands: [HTTPBenchmarkCommand.self, RedisBenchmarkCommand.self] + systems.compactMap { $0.benchmark }
    )
}
