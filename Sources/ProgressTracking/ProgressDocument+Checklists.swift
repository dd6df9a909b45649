internal import Foundation

extension ProgressDocument {
    /// Ticks the checklist item (`- [ ]`) whose text contains `text` (case-insensitive; an exact match wins over
    /// substrings). Ticking a ticked item changes only Last Updated.
    /// - Throws: ``ProgressError/Code/noMatch`` or ``ProgressError/Code/ambiguousMatch`` (listing the candidates).
    public func check(_ text: String, on date: CalendarDate) throws -> ProgressDocument {
        var document = try setChecked(true, matching: text, on: date, within: nil)
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    /// Unticks the checklist item (`- [x]`) whose text contains `text`, matched as ``check(_:on:)``.
    /// - Throws: ``ProgressError/Code/noMatch`` or ``ProgressError/Code/ambiguousMatch`` (listing the candidates).
    public func uncheck(_ text: String, on date: CalendarDate) throws -> ProgressDocument {
        var document = try setChecked(false, matching: text, on: date, within: nil)
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    /// Sets one checklist item's box; `within` limits the search to the items under a heading containing one of
    /// those keys (and its sub-headings).
    func setChecked(
        _ checked: Bool,
        matching query: String,
        on date: CalendarDate,
        within keys: [String]?
    ) throws
        -> ProgressDocument
    {
        try PlainText.validate(query, what: "checklist item's text")
        let needle = Self.comparable(query)
        guard !needle.isEmpty else {
            throw ProgressError(code: .invalidArgument, message: "the checklist item's text is empty")
        }
        let outline = try outline()
        var items = outline.checklist
        if let keys, let heading = outline.heading(containing: keys) {
            let end = outline.sectionEnd(headingLine: heading.line, lineCount: lines.count)
            items = items.filter { $0.line > heading.line && $0.line < end }
        }
        let candidates = items.filter { Self.comparable($0.text).contains(needle) }
        let exact = candidates.filter { Self.comparable($0.text) == needle }
        let item: Outline.ChecklistItem
        if candidates.count == 1 {
            item = candidates[0]
        } else if exact.count == 1 {
            item = exact[0]
        } else if candidates.isEmpty {
            throw ProgressError(code: .noMatch, message: "no checklist item contains \"\(query)\"")
        } else {
            let list = candidates.map { "line \($0.line + 1): \($0.text)" }.joined(separator: "; ")
            throw ProgressError(
                code: .ambiguousMatch,
                message: "\(candidates.count) checklist items contain \"\(query)\": \(list)"
            )
        }
        var document = self
        if item.checked != checked {
            var content = lines[item.line].content
            if let box = content.range(of: checked ? "[ ]" : (content.contains("[x]") ? "[x]" : "[X]")) {
                content.replaceSubrange(box, with: checked ? "[x]" : "[ ]")
            }
            document.setContent(content, line: item.line)
        }
        return document
    }

    /// Lowercased, without emphasis markers and with single spaces, for matching.
    static func comparable(_ text: String) -> String {
        text.lowercased().filter { $0 != "*" && $0 != "`" && $0 != "_" }
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
