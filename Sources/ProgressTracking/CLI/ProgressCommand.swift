import ArgumentParser
import CLIKit
import Foundation
import ProgressTracking

/// `mastery progress <verb>`: reads and updates the learning plan's PROGRESS.md through ``ProgressFileStore``, so a
/// change is applied under the file's lock and written atomically, and a refused change leaves the file
/// byte-identical.
struct ProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Track the learning plan in PROGRESS.md: start and complete projects, reflect, show the pace.",
        discussion: """
            Works on ./PROGRESS.md unless --file or MASTERY_PROGRESS_FILE names another file. Every change is \
            written under the file's lock (<file>.lock) and atomically, so concurrent updates (several commands, \
            the server's dashboard) never lose each other's change. --date YYYY-MM-DD replaces today (the local \
            time zone) wherever a date is written.
            Exit status: 0 done; 65 invalid data or argument (the file is left byte-identical); 66 no progress \
            file (`mastery progress init` creates one); 73 init over an existing file; 74 the file cannot be \
            read or written; 64 a malformed command line.
            """,
        subcommands: [
            ProgressInitCommand.self, ProgressStartCommand.self, ProgressCompleteCommand.self,
            ProgressSkipCommand.self, ProgressReopenCommand.self, ProgressNoteCommand.self,
            ProgressCheckCommand.self, ProgressUncheckCommand.self, ProgressReflectCommand.self,
            ProgressBlogCommand.self, ProgressInsightCommand.self, ProgressRepairCommand.self,
            ProgressShowCommand.self,
        ]
    )
}

/// The options every `mastery progress` verb takes: which file, and which day to write.
struct ProgressOptions: ParsableArguments {
    /// The environment variable naming the progress file when `--file` is absent.
    static let fileVariable = "MASTERY_PROGRESS_FILE"

    @Option(
        name: .customLong("file"),
        help: ArgumentHelp(
            "The progress file (env: \(ProgressOptions.fileVariable); default: ./PROGRESS.md).",
            valueName: "path"
        )
    )
    var file: String?

    @Option(
        name: .customLong("date"),
        help: ArgumentHelp("The day to write instead of today, YYYY-MM-DD.", valueName: "date")
    )
    var date: String?

    /// `--file`, else a non-empty `MASTERY_PROGRESS_FILE`, else `PROGRESS.md` in the working directory.
    func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let file { return file }
        if let variable = environment[Self.fileVariable], !variable.isEmpty { return variable }
        return "PROGRESS.md"
    }

    /// `--date`, else the day of `now` in `timeZone` (the command passes the system clock's now).
    /// - Throws: ``ProgressError`` (`invalidArgument`) when `--date` is not a `YYYY-MM-DD` date of the calendar.
    func day(now: Date, timeZone: TimeZone = .current) throws -> CalendarDate {
        if let date { return try CalendarDate(parsing: date) }
        return CalendarDate(now, timeZone: timeZone)
    }
}
