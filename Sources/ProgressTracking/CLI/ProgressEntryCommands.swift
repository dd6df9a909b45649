import ArgumentParser
import CLIKit
import ProgressTracking

// The verbs that change the rest of the file: checklists, reflections, blog posts, insights, repair.

/// `mastery progress check TEXT`.
struct ProgressCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Tick the checklist item whose text contains TEXT (case-insensitive; an exact match wins).",
        discussion: "No match, or several (they are listed), is refused."
    )

    @Argument(help: "A unique part of the item's text.") var text: String
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            try Self.setChecked(true, matching: text, context: context)
        }
    }

    /// Ticks or unticks the item and says which one.
    static func setChecked(_ checked: Bool, matching text: String, context: ProgressContext) throws -> String {
        let document = try context.store.update { document in
            checked ? try document.check(text, on: context.today) : try document.uncheck(text, on: context.today)
        }
        let item = matchedItem(text, in: try document.snapshot().checklist)
        let name = item.map { "\"\($0.text)\"" + ($0.group.isEmpty ? "" : " (\($0.group))") } ?? "\"\(text)\""
        return "\(name): \(checked ? "checked" : "unchecked")"
    }

    /// The item the library's rule picks: the only one containing the text, else the only one equal to it (both
    /// case-insensitive, without emphasis markers, with single spaces).
    static func matchedItem(
        _ query: String,
        in items: [ProgressSnapshot.ChecklistItem]
    ) -> ProgressSnapshot.ChecklistItem? {
        func comparable(_ text: String) -> String {
            text.lowercased().filter { $0 != "*" && $0 != "`" && $0 != "_" }
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let needle = comparable(query)
        let candidates = items.filter { comparable($0.text).contains(needle) }
        if candidates.count == 1 { return candidates[0] }
        let exact = candidates.filter { comparable($0.text) == needle }
        return exact.count == 1 ? exact[0] : nil
    }
}

/// `mastery progress uncheck TEXT`.
struct ProgressUncheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uncheck",
        abstract: "Untick the checklist item whose text contains TEXT (matched as check)."
    )

    @Argument(help: "A unique part of the item's text.") var text: String
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            try ProgressCheckCommand.setChecked(false, matching: text, context: context)
        }
    }
}

/// `mastery progress reflect --month M [--learnings …] [--challenges …] [--next-focus …|--achievements …]`.
struct ProgressReflectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reflect",
        abstract: "Write fields of a month's reflection (Monthly Reflection → Month M), replacing their values.",
        discussion: "Months 1–11 have Next Month Focus, month 12 Achievements instead."
    )

    @Option(help: "The month of the plan, 1–12.") var month: Int
    @Option(name: .customLong("projects-completed"), help: "Projects Completed.") var projectsCompleted: String?
    @Option(help: "Key Learnings.") var learnings: String?
    @Option(help: "Challenges Faced.") var challenges: String?
    @Option(name: .customLong("next-focus"), help: "Next Month Focus (months 1–11).") var nextFocus: String?
    @Option(help: "Achievements (month 12).") var achievements: String?
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let given: [(ReflectionField, String?)] = [
                (.projectsCompleted, projectsCompleted), (.keyLearnings, learnings),
                (.challengesFaced, challenges), (.nextMonthFocus, nextFocus), (.achievements, achievements),
            ]
            let values = given.compactMap { field, value in value.map { (field, $0) } }
            try context.store.update { document in
                try document.reflect(month: month, Dictionary(uniqueKeysWithValues: values), on: context.today)
            }
            return "Month \(month) reflection: wrote " + values.map(\.0.label).joined(separator: ", ")
        }
    }
}

/// `mastery progress blog <verb>`.
struct ProgressBlogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blog",
        abstract: "Blog posts written (Blog Posts Written).",
        subcommands: [ProgressBlogAddCommand.self]
    )
}

/// `mastery progress blog add TITLE URL [--project N]`.
struct ProgressBlogAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a blog post under Blog Posts Written, dated, naming the project if given."
    )

    @Argument(help: "The post's title.") var title: String
    @Argument(help: "The post's http(s) URL.") var url: String
    @Option(help: "The project it is about (1 or 01).") var project: String?
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try project.map(ProgressContext.project)
            let document = try context.store.update { document in
                try document.addBlogPost(title: title, url: url, project: number, on: context.today)
            }
            let count = try document.snapshot().blogPosts.count
            return "blog post added: \(title) (\(count) listed)"
        }
    }
}

/// `mastery progress insight TEXT [--project N]`.
struct ProgressInsightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "Add an insight under Notes & Insights, dated, naming the project if given."
    )

    @Argument(help: "The insight.") var text: String
    @Option(help: "The project it is about (1 or 01).") var project: String?
    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            let number = try project.map(ProgressContext.project)
            let document = try context.store.update { document in
                try document.addInsight(text, project: number, on: context.today)
            }
            return "insight added (\(try document.snapshot().insights.count) listed)"
        }
    }
}

/// `mastery progress repair`.
struct ProgressRepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Replace the mojibake of the status glyphs (‚¨ú, üü°, …) with proper UTF-8; nothing else changes."
    )

    @OptionGroup var options: ProgressOptions

    func run() throws {
        try ProgressContext.run(options) { context in
            var changed = false
            try context.store.update { document in
                changed = document.needsRepair
                return document.repaired()
            }
            return changed
                ? "\(context.store.path): status glyphs repaired" : "\(context.store.path): nothing to repair"
        }
    }
}
