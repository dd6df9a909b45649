import ArgumentParser
import Foundation
import ProgressTracking

/// What a `mastery progress` verb runs with (the store and the day to write), and how it reports: one line on
/// standard output when it succeeds, one line on standard error and a `sysexits` status when it does not.
struct ProgressContext {
    /// The progress file.
    let store: ProgressFileStore
    /// The day to write: `--date`, else today in the local time zone.
    let today: CalendarDate

    /// A failure of a verb: the line printed on standard error and the exit status.
    struct Failure: Error {
        /// 65 (`EX_DATAERR`): an invalid argument or document; the file is unchanged.
        static let dataError: Int32 = 65
        /// 66 (`EX_NOINPUT`): there is no progress file.
        static let noInput: Int32 = 66
        /// 73 (`EX_CANTCREAT`): `init` refused to overwrite a file.
        static let cannotCreate: Int32 = 73
        /// 74 (`EX_IOERR`): the file cannot be read, locked or written.
        static let ioError: Int32 = 74

        var status: Int32
        var message: String
    }

    /// Runs a verb: makes the context from the options (the system clock gives today unless `--date` is given),
    /// checks that the file exists unless `requiresFile` is false, and prints what `body` returns.
    /// - Throws: `ExitCode` with the status of the failure, after printing its line on standard error.
    static func run(
        _ options: ProgressOptions,
        requiresFile: Bool = true,
        _ body: (ProgressContext) throws -> String
    ) throws {
        let path = options.path()
        do {
            do {
                let context = ProgressContext(store: ProgressFileStore(path: path), today: try options.day(now: Date()))
                if requiresFile { try context.requireFile() }
                let output = try body(context)
                print(output, terminator: output.hasSuffix("\n") ? "" : "\n")
            } catch let error as ProgressError {
                throw failure(for: error, path: path)
            }
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            throw ExitCode(failure.status)
        }
    }

    /// - Throws: ``Failure`` (66) when there is no file at the store's path.
    func requireFile() throws {
        guard FileManager.default.fileExists(atPath: store.path) else { throw Self.missingFile(store.path) }
    }

    private static func missingFile(_ path: String) -> Failure {
        Failure(
            status: Failure.noInput,
            message: "there is no progress file at \(path) (`mastery progress init` creates one)"
        )
    }

    private static func failure(for error: ProgressError, path: String) -> Failure {
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
            return Failure(status: Failure.cannotCreate, message: message)
        case .fileSystem:
            // The file may have been removed between the check and the update.
            if !FileManager.default.fileExists(atPath: path) { return missingFile(path) }
            return Failure(status: Failure.ioError, message: message)
        default:
            return Failure(status: Failure.dataError, message: message)
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
