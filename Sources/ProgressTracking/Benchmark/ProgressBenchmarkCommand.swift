public import ArgumentParser
public import Benchmarking

/// `mastery bench progress`: what reading, changing and safely writing a PROGRESS.md costs. Meant for release builds.
public struct ProgressBenchmarkCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Benchmark the progress tracker: parse, write back, snapshot, verbs, locked file updates.",
        discussion: """
            Works on a document made from the template (40 projects) in memory and in a temporary folder; no peer. \
            Build with `swift build -c release`.
            """
    )

    @Option(help: "In-memory iterations per step.")
    var iterations = 2_000

    @Option(help: "File updates through the store (each locks, re-reads, writes a temporary file, fsyncs, renames).")
    var fileUpdates = 300

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    public func run() async throws {
        var configuration = ProgressBenchmark.Configuration()
        configuration.iterations = iterations
        configuration.fileUpdates = fileUpdates
        try await BenchmarkReport.printing(json: json) { logger in
            try await ProgressBenchmark(configuration: configuration).run(logger: logger)
        }
    }
}
