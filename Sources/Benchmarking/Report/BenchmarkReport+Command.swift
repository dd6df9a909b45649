import ArgumentParser
import Foundation
public import Logging

extension BenchmarkReport {
    /// Runs a benchmark command's measurement and prints its report: progress goes to standard error (info
    /// level), so standard output holds only the table or the JSON object. A ``BenchmarkError`` becomes one
    /// `error:` line and exit status 1.
    /// - Throws: `ExitCode.failure` after printing a ``BenchmarkError``; anything else `measure` throws.
    public static func printing(json: Bool, _ measure: (Logger) async throws -> BenchmarkReport) async throws {
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
