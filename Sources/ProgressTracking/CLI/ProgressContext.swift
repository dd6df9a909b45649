import ArgumentParser
import CLIKit
import Foundation
import ProgressTracking

/// What a `mastery progress` verb runs with (the store and the day to write), and how it reports: one line on
/// standard output when it succeeds, one line on standard error and a `sysexits` status when it does not.
struct ProgressContext {
    /// The progress file.
    let store: ProgressFileStore
    /// The day to write: `--date`, else today in the local time zone.
    let today: CalendarDate

    /// Runs a verb: makes the context from the options (the system clock gives today unless `--date` is given),
    /// checks that the file exists unless `requiresFile` is false, and prints what `body` returns.
    /// - Throws: `ExitCode` with the status of the failure, after printing its line on standard error (CLIKit's
    ///   ``CommandOutput``).
    static func run(
        _ options: ProgressOptions,
        requiresFile: Bool = true,
        _ body: (ProgressContext) throws -> String
    ) throws {
        let path = options.path()
        try CommandOutput.runSynchronously {
            do {
                let context = ProgressContext(store: ProgressFileStore(path: path), today: try options.day(now: Date()))
                if requiresFile { try context.requireFile() }
                return try body(context)
            } catch let error as ProgressError {
                throw failure(for: error, path: path)
            }
        }
    }

    /// - Throws: ``CommandFailure`` (66) when there is no file at the store's path.
    func requireFile() throws {
        guard FileManager.default.fileExists(atPath: store.path) else { throw Self.missingFile(store.path) }
    }

    private static func missingFile(_ path: String) -> CommandFailure {
        CommandFailure(.noInput, "there is no progress file at \(path) (`mastery progress init` creates one)")
    }

    private static func failure(for error: ProgressError, path: String) -> CommandFailure {
        // Name the file when the error is about its contents, or about a file (the library's messages never hold
        // a path; run locally, the command may name the file it was given, or the link's target or lock file).
        let message: String
        if let line = error.line {
            message = "\(path), line \(line): \(error.message)"
        } else if error.code == .invalidDocument {
            message = "\(path): \(error.message)"
        } else if error.code == .fileSystem || error.code == .fileExists {
            message = "\(error.path ?? path): \(error.message)"
        } else {
            message = error.message
        }
        switch error.code {
        case .fileExists:
            return CommandFailure(.cannotCreate, message)
        case .fileSystem:
            // The file may have been removed between the check and the update.
            if !FileManager.default.fileExists(atPath: path) { return missingFile(path) }
            return CommandFailure(.ioError, message)
        default:
            return CommandFailure(.dataError, message)
        }
    }

    // MARK: Confirmation lines

    /// `01 Distributed Rate Limiter: <what> (1 in progress, 0/40 complete)`.
    static func projectLine(
        _ number: ProjectNumber,
        _ what: String,
        in document: ProgressDocument
    ) throws -> String {
        let snapshot = try document.snapshot()
        let name = snapshot.project(number)?.name ?? ""
        return "\(number) \(name): \(what) (\(totalsSummary(snapshot.totals)))"
    }

    /// `1 in progress, 0/40 complete`.
    static func totalsSummary(_ totals: ProgressSnapshot.Totals) -> String {
        "\(totals.inProgress) in progress, \(totals.completed)/\(totals.total) complete"
    }

    /// Parses a project number given on the command line.
    /// - Throws: ``ProgressError`` (`invalidArgument`) unless it is 1–99 (`1` or `01`).
    static func project(_ text: String) throws -> ProjectNumber {
        try ProjectNumber(parsing: text)
    }
}
