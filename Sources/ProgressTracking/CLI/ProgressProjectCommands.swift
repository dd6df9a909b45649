import ArgumentParser
import CLIKit
import ProgressTracking

// The verbs that change one project's row: start, complete, skip, reopen, note.

/// `mastery progress init`: a new progress file from the template.
struct ProgressInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a progress file: 40 projects, today as Start Date, the target twelve months later.",
        discussion: "Refuses to overwrite an existing file (exit status 73)."
    )

    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options, requiresFile: false) { context in
            let document = ProgressDocument.new(startingOn: context.today)
            try context.store.create(document)
            let snapshot = try document.snapshot()
            return "\(context.store.path): created with \(snapshot.totals.total) projects, start "
                + "\(context.today), target \(context.today.adding(months: 12))"
        }
    }
}

/// `mastery progress start N`.
struct ProgressStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a project: ⬜ → 🟡, Start Date = today."
    )

    @Argument(help: "The project's number (1 or 01).") var project: String
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try ProgressContext.project(project)
            let document = try context.store.update { try $0.start(number, on: context.today) }
            return try ProgressContext.projectLine(number, "started \(context.today)", in: document)
        }
    }
}

/// `mastery progress complete N [--story TEXT] [--repo URL] [--skill TEXT]... [--force]`.
struct ProgressCompleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Complete a project: 🟡 → ✅, End Date = today, and record what it taught.",
        discussion: "A project that was never started is refused unless --force is given."
    )

    @Argument(help: "The project's number (1 or 01).") var project: String
    @Option(help: "A war story, added under War Stories Collected.") var story: String?
    @Option(help: ArgumentHelp("The project's repository, added under GitHub Repositories.", valueName: "url"))
    var repo: String?
    @Option(help: "A Skills Acquired item to tick (a unique part of its text); repeatable.") var skill: [String] = []
    @Flag(help: "Complete a project that was never started (its Start Date becomes the date too).") var force = false
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try ProgressContext.project(project)
            let document = try context.store.update { document in
                try document.complete(
                    number,
                    on: context.today,
                    story: story,
                    repository: repo,
                    skills: skill,
                    force: force
                )
            }
            var recorded: [String] = []
            if story != nil { recorded.append("war story") }
            if repo != nil { recorded.append("repository") }
            if !skill.isEmpty { recorded.append(skill.count == 1 ? "1 skill" : "\(skill.count) skills") }
            let extra = recorded.isEmpty ? "" : "; recorded " + recorded.joined(separator: ", ")
            return try ProgressContext.projectLine(number, "completed \(context.today)\(extra)", in: document)
        }
    }
}

/// `mastery progress skip N`.
struct ProgressSkipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip",
        abstract: "Skip a project: ⬜ or 🟡 → ⏭️ (a skipped project does not count as complete)."
    )

    @Argument(help: "The project's number (1 or 01).") var project: String
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try ProgressContext.project(project)
            let document = try context.store.update { try $0.skip(number, on: context.today) }
            return try ProgressContext.projectLine(number, "skipped", in: document)
        }
    }
}

/// `mastery progress reopen N`.
struct ProgressReopenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen",
        abstract: "Reopen a project: ✅ → 🟡 (End Date cleared), ⏭️ → ⬜ (dates cleared)."
    )

    @Argument(help: "The project's number (1 or 01).") var project: String
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try ProgressContext.project(project)
            let document = try context.store.update { try $0.reopen(number, on: context.today) }
            let status = try document.snapshot().project(number)?.status ?? .notStarted
            return try ProgressContext.projectLine(number, "reopened, now \(status.label)", in: document)
        }
    }
}

/// `mastery progress note N TEXT`.
struct ProgressNoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Write a project's Notes cell, replacing what it held (an empty text clears it)."
    )

    @Argument(help: "The project's number (1 or 01).") var project: String
    @Argument(help: "The note.") var text: String
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try ProgressContext.project(project)
            let document = try context.store.update { try $0.note(number, text, on: context.today) }
            let what = text.allSatisfy(\.isWhitespace) ? "note cleared" : "note written"
            return try ProgressContext.projectLine(number, what, in: document)
        }
    }
}
