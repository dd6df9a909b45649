internal import Foundation

extension ProgressDocument {
    /// Starts a project: ⬜ → 🟡, Start Date = `date`.
    /// - Parameters:
    ///   - project: The project's number.
    ///   - date: The start date, also written as Last Updated.
    /// - Throws: ``ProgressError/Code/unknownProject``; ``ProgressError/Code/invalidTransition`` when the project
    ///   is not ⬜ (reopen a completed or skipped one first).
    public func start(_ project: ProjectNumber, on date: CalendarDate) throws -> ProgressDocument {
        try updatingProject(project, on: date) { row in
            guard row.status == .notStarted else {
                throw Self.transitionError(
                    row,
                    "cannot be started",
                    hint: row.status == .inProgress ? nil : "reopen it first"
                )
            }
            return [(row.columns.status, ProjectStatus.inProgress.glyph), (row.columns.start, date.description)]
        }
    }

    /// Completes a project: 🟡 → ✅, End Date = `date`, and optionally records what was learnt.
    /// - Parameters:
    ///   - project: The project's number.
    ///   - date: The end date, also written as Last Updated (and as the start date of a forced, never-started
    ///     project).
    ///   - story: A war story, added as a list item under "War Stories Collected".
    ///   - repository: The project's repository URL (http or https), added under "GitHub Repositories".
    ///   - skills: Texts each naming one checklist item of "Skills Acquired" (unique case-insensitive substring),
    ///     ticked.
    ///   - force: Completes a ⬜ project too (its Start Date becomes `date` when empty).
    /// - Throws: ``ProgressError/Code/unknownProject``; ``ProgressError/Code/invalidTransition`` when the project is
    ///   not 🟡 (and not ⬜ with `force`); ``ProgressError/Code/invalidArgument`` when `date` is before the start
    ///   date or the URL is malformed; ``ProgressError/Code/noMatch`` / ``ProgressError/Code/ambiguousMatch`` for
    ///   a skill.
    public func complete(
        _ project: ProjectNumber,
        on date: CalendarDate,
        story: String? = nil,
        repository: String? = nil,
        skills: [String] = [],
        force: Bool = false
    ) throws -> ProgressDocument {
        try story.map { try PlainText.validate($0, what: "war story") }
        try repository.map { try PlainText.validate($0, what: "repository URL") }
        for skill in skills { try PlainText.validate(skill, what: "skill") }
        let repositoryURL = try repository.map { try Self.validatedURL($0) }
        var name = ""
        var document = try updatingProject(project, on: date) { row in
            name = row.name
            switch row.status {
            case .inProgress: break
            case .notStarted where force: break
            case .notStarted:
                throw Self.transitionError(row, "was never started", hint: "start it first, or force the completion")
            case .completed, .skipped:
                throw Self.transitionError(row, "cannot be completed", hint: "reopen it first")
            }
            var changes = [(row.columns.status, ProjectStatus.completed.glyph), (row.columns.end, date.description)]
            if let start = row.startDate {
                guard start <= date else {
                    throw ProgressError(
                        code: .invalidArgument,
                        message: "project \(project) cannot end on \(date), before its start date \(start)",
                        line: row.line + 1
                    )
                }
            } else if Outline.isEmptyCell(row.row.cell(row.columns.start)) {
                // A forced completion of a never-started project: it started and ended that day. A start cell
                // holding text other than a date is the user's and is left alone.
                changes.append((row.columns.start, date.description))
            }
            return changes
        }
        let label = "**\(project) \(Self.inline(name))** (\(date))"
        if let story {
            let text = try Self.nonEmpty(story, what: "war story")
            try document.addEntry("- \(label): \(text)", section: .warStories)
        }
        if let repositoryURL {
            try document.addEntry("- \(label): <\(repositoryURL)>", section: .repositories)
        }
        for skill in skills {
            document = try document.setChecked(true, matching: skill, on: date, within: ["skills acquired"])
        }
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    /// Skips a project: ⬜ or 🟡 → ⏭️ (dates kept). A skipped project does not count as completed.
    /// - Throws: ``ProgressError/Code/unknownProject``; ``ProgressError/Code/invalidTransition`` when the project is
    ///   completed or already skipped.
    public func skip(_ project: ProjectNumber, on date: CalendarDate) throws -> ProgressDocument {
        try updatingProject(project, on: date) { row in
            guard row.status == .notStarted || row.status == .inProgress else {
                throw Self.transitionError(
                    row,
                    "cannot be skipped",
                    hint: row.status == .completed ? "reopen it first" : nil
                )
            }
            return [(row.columns.status, ProjectStatus.skipped.glyph)]
        }
    }

    /// Reopens a project: ✅ → 🟡 (start date kept, end date cleared); ⏭️ → ⬜ (dates cleared).
    /// - Throws: ``ProgressError/Code/unknownProject``; ``ProgressError/Code/invalidTransition`` when the project is
    ///   ⬜ or 🟡.
    public func reopen(_ project: ProjectNumber, on date: CalendarDate) throws -> ProgressDocument {
        try updatingProject(project, on: date) { row in
            switch row.status {
            case .completed:
                return [(row.columns.status, ProjectStatus.inProgress.glyph), (row.columns.end, "-")]
            case .skipped:
                return [
                    (row.columns.status, ProjectStatus.notStarted.glyph), (row.columns.start, "-"),
                    (row.columns.end, "-"),
                ]
            case .notStarted, .inProgress:
                throw Self.transitionError(row, "is not completed or skipped", hint: nil)
            }
        }
    }

    /// Sets a project's Notes cell. `|` is escaped and line breaks become `<br>`, so the table stays a table; an
    /// empty text clears the cell.
    /// - Throws: ``ProgressError/Code/unknownProject``; ``ProgressError/Code/invalidDocument`` when the table has no
    ///   Notes column; ``ProgressError/Code/invalidArgument`` for a control character (see `PlainText`).
    public func note(_ project: ProjectNumber, _ text: String, on date: CalendarDate) throws -> ProgressDocument {
        try PlainText.validate(text, what: "note")
        return try updatingProject(project, on: date) { row in
            guard let notes = row.columns.notes else {
                throw ProgressError(
                    code: .invalidDocument,
                    message: "the table of project \(project) has no Notes column",
                    line: row.line + 1
                )
            }
            return [(notes, Self.tableCell(text))]
        }
    }

    // MARK: Helpers

    /// Applies cell changes to one project's row, then recomputes the derived figures.
    func updatingProject(
        _ project: ProjectNumber,
        on date: CalendarDate,
        _ changes: (Outline.ProjectRow) throws -> [(Int, String)]
    ) throws -> ProgressDocument {
        let outline = try outline()
        guard let row = outline.projects.first(where: { $0.number == project.value }) else {
            let known = outline.projects.map { Outline.format($0.number) }
            throw ProgressError(
                code: .unknownProject,
                message: "there is no project \(project) (the file has \(known.first ?? "")–\(known.last ?? ""))"
            )
        }
        var text = row.row.text
        for (column, value) in try changes(row).sorted(by: { $0.0 > $1.0 }) {
            guard let current = TableRow(text), column < current.count else {
                throw ProgressError(
                    code: .invalidDocument,
                    message: "the row of project \(project) has only \(row.row.count) cells",
                    line: row.line + 1
                )
            }
            if current.cell(column) != value { text = current.replacing(column, with: value) }
        }
        var document = self
        document.setContent(text, line: row.line)
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    static func transitionError(_ row: Outline.ProjectRow, _ what: String, hint: String?) -> ProgressError {
        ProgressError(
            code: .invalidTransition,
            message: "project \(Outline.format(row.number)) (\(row.status.label)) \(what)"
                + (hint.map { ": \($0)" } ?? ""),
            line: row.line + 1
        )
    }

    /// Text safe inside a table cell: `|` escaped, line breaks as `<br>`.
    static func tableCell(_ text: String) -> String {
        inline(text, lineBreak: "<br>").replacingOccurrences(of: "|", with: "\\|")
    }

    /// Text on one line: line breaks replaced, surrounding whitespace trimmed.
    static func inline(_ text: String, lineBreak: String = " ") -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: lineBreak)
            .trimmingCharacters(in: .whitespaces)
    }

    static func nonEmpty(_ text: String, what: String) throws -> String {
        let line = inline(text)
        guard !line.isEmpty else { throw ProgressError(code: .invalidArgument, message: "the \(what) is empty") }
        return line
    }
}
