internal import Foundation

extension ProgressDocument {
    /// Writes fields of a month's reflection (`### Month M` under "Monthly Reflection"), replacing their values.
    /// A missing month block (or section) is created with the month's fields.
    /// - Parameters:
    ///   - month: 1–12.
    ///   - values: The fields to write; line breaks become spaces.
    ///   - date: Written as Last Updated.
    /// - Throws: ``ProgressError/Code/invalidArgument`` for a month outside 1–12, no values, or a field the month
    ///   does not have (month 12 has Achievements, the others Next Month Focus).
    public func reflect(
        month: Int,
        _ values: [ReflectionField: String],
        on date: CalendarDate
    ) throws -> ProgressDocument {
        guard (1...12).contains(month) else {
            throw ProgressError(code: .invalidArgument, message: "month \(month) is outside 1–12")
        }
        guard !values.isEmpty else {
            throw ProgressError(code: .invalidArgument, message: "no reflection field given for month \(month)")
        }
        for (field, value) in values.sorted(by: { $0.key.label < $1.key.label }) {
            try PlainText.validate(value, what: field.label)
        }
        let defaults = ReflectionField.fields(forMonth: month)
        let outline = try outline()
        var document = self
        let block = outline.monthBlock(month, in: lines)
        let present =
            block.map { block in
                Set(
                    (block.heading + 1..<block.end).compactMap { Self.reflectionLabel(lines[$0].content) }
                        .map { $0.lowercased() }
                )
            } ?? []
        // Values in the template's order, then any extra ones by label.
        let ordered = values.sorted { lhs, rhs in
            (defaults.firstIndex(of: lhs.key) ?? 99, lhs.key.label) < (
                defaults.firstIndex(of: rhs.key) ?? 99, rhs.key.label
            )
        }
        for (field, _) in ordered where !defaults.contains(field) && !present.contains(field.label.lowercased()) {
            throw ProgressError(
                code: .invalidArgument,
                message: "month \(month) has no \"\(field.label)\" field; its fields are "
                    + defaults.map(\.label).joined(separator: ", ")
            )
        }
        guard let block else {
            let fields = defaults.map { field in
                "- **\(field.label)**:" + (values[field].map { " " + Self.inline($0) } ?? "")
            }
            let new = ["### Month \(month)"] + fields
            if let heading = outline.heading(containing: NamedSection.reflections.keys) {
                let end = outline.sectionEnd(headingLine: heading.line, lineCount: lines.count)
                var last = end - 1
                while last > heading.line, lines[last].trimmed.isEmpty || Self.isRule(lines[last].trimmed) { last -= 1 }
                document.insert([""] + new, at: last + 1)
            } else {
                let blank = lines.last.map { $0.trimmed.isEmpty } ?? true
                document.insert((blank ? [] : [""]) + ["## Monthly Reflection", ""] + new, at: lines.count)
            }
            try document.recomputeDerivedFigures(lastUpdated: date)
            return document
        }
        var insertAt = block.heading + 1
        for index in block.heading + 1..<block.end
        where !lines[index].trimmed.isEmpty && !Self.isRule(lines[index].trimmed) {
            insertAt = index + 1
        }
        var additions: [String] = []
        for (field, value) in ordered {
            let line = (block.heading + 1..<block.end).first {
                Self.reflectionLabel(lines[$0].content)?.lowercased() == field.label.lowercased()
            }
            if let line {
                document.setContent(Self.replacingFieldValue(lines[line].content, with: Self.inline(value)), line: line)
            } else {
                additions.append("- **\(field.label)**: \(Self.inline(value))")
            }
        }
        document.insert(additions, at: insertAt)
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    /// The label of a `- **Label**: value` line.
    static func reflectionLabel(_ content: String) -> String? {
        let trimmed = content.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("- ") || trimmed.hasPrefix("* "), let colon = trimmed.firstIndex(of: ":") else {
            return nil
        }
        let label = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<colon].filter { $0 != "*" && $0 != "_" }
        let clean = label.trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? nil : clean
    }

    /// The line with everything after its first colon replaced by ` value`.
    static func replacingFieldValue(_ content: String, with value: String) -> String {
        guard let colon = content.firstIndex(of: ":") else { return content }
        var after = content.index(after: colon)
        // `**Label:**` puts the closing emphasis after the colon.
        while after < content.endIndex, content[after] == "*" { after = content.index(after: after) }
        return String(content[..<after]) + (value.isEmpty ? "" : " " + value)
    }
}

extension Outline {
    /// The `### Month M` block under "Monthly Reflection": its heading line and the line after its end.
    func monthBlock(_ month: Int, in lines: [Line]) -> (heading: Int, end: Int)? {
        guard let section = heading(containing: ProgressDocument.NamedSection.reflections.keys) else { return nil }
        let sectionEnd = sectionEnd(headingLine: section.line, lineCount: lines.count)
        for entry in headings where entry.line > section.line && entry.line < sectionEnd {
            let words = entry.heading.title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            if words.count >= 2, words[0] == "month", Int(words[1]) == month {
                return (entry.line, min(self.sectionEnd(headingLine: entry.line, lineCount: lines.count), sectionEnd))
            }
        }
        return nil
    }
}
