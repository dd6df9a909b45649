import ArgumentParser
import Benchmarking
import Foundation
import Logging

/// `mastery`: the curriculum's systems as one server and one command-line tool.
@main
struct Mastery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mastery",
        abstract: "The 40 systems of Backend Engineering Mastery, as one server and one tool.",
        subcommands: [ServeCommand.self, ProgressCommand.self, RateLimitCommand.self, BenchCommand.self]
    )
}

/// `mastery bench <name>`: benchmarks, meant for release builds (`swift build -c release`).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a system, side by side with its peer where one is named (use a release build).",
        subcommands: [BenchHTTPCommand.self, BenchRedisCommand.self, BenchProgressCommand.self, BenchRateLimitCommand.self]
    )
}

extension BenchCommand {
    /// Runs a benchmark and prints its report: progress goes to standard error (info level), so standard output
    /// holds only the table or the JSON object. A ``BenchmarkError`` becomes one `error:` line and exit status 1.
    static func report(json: Bool, _ measure: (Logger) async throws -> BenchmarkReport) async throws {
        var logger = Logger(label: "mastery.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        do {
            let report = try await measure(logger)
            print(json ? try report.renderJSON() : report.renderTable(), terminator: json ? "\n" : "")
        } catch let error as BenchmarkError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
