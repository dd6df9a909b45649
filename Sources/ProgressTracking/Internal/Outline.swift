internal import Foundation

/// The structure found in a document's lines: headings, project tables and rows, the derived-figure lines,
/// checklists. Computed again after every change; it holds line indices (0-based) into the lines it was made from.
struct Outline: Sendable {
    struct Columns: Sendable {
        var name: Int?
        var status: Int
        var start: Int
        var end: Int
        var notes: Int?
    }

    struct ProjectRow: Sendable {
        var number: Int
        var line: Int
        var row: TableRow
        var columns: Columns
        var section: Int
        var status: ProjectStatus
        var name: String { columns.name.flatMap { row.cell($0) } ?? "" }
        var startDate: CalendarDate? { Outline.date(in: row.cell(columns.start)) }
        var endDate: CalendarDate? { Outline.date(in: row.cell(columns.end)) }
        var notes: String { columns.notes.flatMap { row.cell($0) } ?? "" }
    }

    struct Section: Sendable {
        var title: String
        var headingLine: Int?
        var quarter: Int?
        var isBonus: Bool
        var progressLine: Int?
        var projects: [Int] = []  // indices into `projects`
    }

    struct ChecklistItem: Sendable {
        var line: Int
        var checked: Bool
        var text: String
        var group: String
    }

    var headings: [(line: Int, heading: Heading)] = []
    var sections: [Section] = []
    var projects: [ProjectRow] = []
    var checklist: [ChecklistItem] = []
    var overallLine: Int?
    var currentStatusLine: Int?
    var lastUpdatedLine: Int?
    var startDateLine: Int?
    var targetLine: Int?

    init(_ lines: [Line]) throws {
        var tableHeaders: [Int: Columns] = [:]
        var inTable: Columns?
        for (index, line) in lines.enumerated() {
            let text = line.content
            let lower = text.lowercased()
            if let heading = Heading(text) {
                headings.append((index, heading))
                inTable = nil
                if lower.contains("overall progress") { overallLine = overallLine ?? index }
                continue
            }
            if let columns = inTable {
                if let row = TableRow(text), !line.trimmed.isEmpty {
                    try addRow(row, line: index, columns: columns)
                    continue
                }
                inTable = nil
            }
            if let row = TableRow(text), index + 1 < lines.count, let columns = Self.columns(ofHeader: row),
                let delimiter = TableRow(lines[index + 1].content), delimiter.isDelimiter
            {
                tableHeaders[index] = columns
                inTable = columns
                // The delimiter row is consumed by `addRow`'s number check (its first cell holds no digits).
                continue
            }
            if text.contains("|") { continue }
            if lower.contains("overall progress") { overallLine = overallLine ?? index }
            if lower.contains("current status"), text.contains(":") { currentStatusLine = currentStatusLine ?? index }
            if lower.contains("last updated"), text.contains(":") { lastUpdatedLine = index }
            if lower.contains("start date"), text.contains(":") { startDateLine = startDateLine ?? index }
            if lower.contains("target completion"), text.contains(":") { targetLine = targetLine ?? index }
            if let item = Self.checklistItem(line.trimmed) {
                let group = headings.last?.heading.title ?? ""
                checklist.append(ChecklistItem(line: index, checked: item.checked, text: item.text, group: group))
            }
            if lower.contains("progress**"), !lower.contains("overall"), line.trimmed.hasPrefix("**"),
                let section = section(containing: index), sections[section].progressLine == nil
            {
                sections[section].progressLine = index
            }
        }
        guard !projects.isEmpty else {
            throw ProgressError(
                code: .invalidDocument,
                message: tableHeaders.isEmpty
                    ? "no project table found in \(lines.count) lines (a table whose header row has Status, Start and "
                        + "End columns, with project numbers such as 01 in its first column)"
                    : "the project tables hold no project rows (numbers such as 01 in the first column)",
                line: tableHeaders.keys.min().map { $0 + 1 }
            )
        }
    }

    /// The section of the heading governing `line`, if it holds projects.
    private func section(containing line: Int) -> Int? {
        guard let heading = headings.last(where: { $0.line < line }) else { return nil }
        return sections.lastIndex { $0.headingLine == heading.line }
            ?? sections.lastIndex { section in
                // A Progress line under a sub-heading of the project section.
                guard let start = section.headingLine else { return false }
                let level = headings.first { $0.line == start }?.heading.level ?? 0
                return start < line
                    && !headings.contains { $0.line > start && $0.line < line && $0.heading.level <= level }
            }
    }

    private mutating func addRow(_ row: TableRow, line: Int, columns: Columns) throws {
        guard let first = row.cell(0), (1...2).contains(first.count), first.allSatisfy(\.isASCII),
            first.allSatisfy(\.isNumber), let number = Int(first), number > 0
        else { return }
        if let other = projects.first(where: { $0.number == number }) {
            throw ProgressError(
                code: .invalidDocument,
                message: "project \(Self.format(number)) appears twice (also on line \(other.line + 1))",
                line: line + 1
            )
        }
        guard let statusText = row.cell(columns.status), let status = ProjectStatus(cell: statusText) else {
            throw ProgressError(
                code: .invalidDocument,
                message: "project \(Self.format(number)) has no recognisable status (expected ⬜ 🟡 ✅ or ⏭️, found \""
                    + (row.cell(columns.status) ?? "") + "\")",
                line: line + 1
            )
        }
        // The section: the nearest heading above the table naming Q1…Q4 or Bonus, else the nearest heading.
        let named = headings.last { Self.quarter(of: $0.heading.title) != nil || Self.isBonus($0.heading.title) }
        let heading = named ?? headings.last
        let sectionIndex: Int
        if let existing = sections.firstIndex(where: { $0.headingLine == heading?.line }) {
            sectionIndex = existing
        } else {
            let title = heading?.heading.title ?? "Projects"
            sections.append(
                Section(
                    title: title,
                    headingLine: heading?.line,
                    quarter: Self.quarter(of: title),
                    isBonus: Self.isBonus(title)
                )
            )
            sectionIndex = sections.count - 1
        }
        sections[sectionIndex].projects.append(projects.count)
        projects.append(
            ProjectRow(number: number, line: line, row: row, columns: columns, section: sectionIndex, status: status)
        )
    }

    static func columns(ofHeader row: TableRow) -> Columns? {
        let cells = (0..<row.count).map { (row.cell($0) ?? "").lowercased() }
        guard let status = cells.firstIndex(where: { $0.contains("status") }),
            let start = cells.firstIndex(where: { $0.contains("start") }),
            let end = cells.firstIndex(where: { $0.contains("end") && !$0.contains("start") })
        else { return nil }
        return Columns(
            name: cells.firstIndex { $0.contains("project") || $0.contains("name") },
            status: status,
            start: start,
            end: end,
            notes: cells.firstIndex { $0.contains("note") }
        )
    }

    static func checklistItem(_ trimmed: String) -> (checked: Bool, text: String)? {
        for marker in ["- ", "* ", "+ "] where trimmed.hasPrefix(marker) {
            let rest = trimmed.dropFirst(2)
            for (box, checked) in [("[ ]", false), ("[x]", true), ("[X]", true)] where rest.hasPrefix(box) {
                return (checked, rest.dropFirst(3).trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    static func quarter(of title: String) -> Int? {
        let upper = title.uppercased()
        for quarter in 1...4 {
            guard let range = upper.range(of: "Q\(quarter)") else { continue }
            let before = range.lowerBound == upper.startIndex ? nil : upper[upper.index(before: range.lowerBound)]
            let after = range.upperBound == upper.endIndex ? nil : upper[range.upperBound]
            if !(before?.isLetter ?? false) && !(before?.isNumber ?? false) && !(after?.isNumber ?? false) {
                return quarter
            }
        }
        return nil
    }

    static func isBonus(_ title: String) -> Bool { title.lowercased().contains("bonus") }

    static func format(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    /// Whether a date cell says "no date": empty, `-`, `—`, `–`.
    static func isEmptyCell(_ cell: String?) -> Bool {
        ["", "-", "—", "–", "--"].contains(cell ?? "")
    }

    /// The first `YYYY-MM-DD` in a cell, if any.
    static func date(in cell: String?) -> CalendarDate? {
        guard let cell, cell.count >= 10 else { return nil }
        let characters = Array(cell)
        for start in 0...(characters.count - 10) {
            if let date = try? CalendarDate(parsing: String(characters[start..<start + 10])) { return date }
        }
        return nil
    }

    /// The line index after the last line of the section headed at `headingLine` (the next heading of the same or a
    /// higher level, or the end).
    func sectionEnd(headingLine: Int, lineCount: Int) -> Int {
        guard let level = headings.first(where: { $0.line == headingLine })?.heading.level else { return lineCount }
        return headings.first { $0.line > headingLine && $0.heading.level <= level }?.line ?? lineCount
    }

    /// The first heading whose title contains one of `keys` (case-insensitive).
    func heading(containing keys: [String]) -> (line: Int, heading: Heading)? {
        headings.first { entry in keys.contains { entry.heading.title.lowercased().contains($0) } }
    }
}
