internal import Foundation

extension ProgressDocument {
    /// The overall status written on the `Current Status` line.
    static func currentStatus(of statuses: [ProjectStatus]) -> String {
        if statuses.allSatisfy({ $0 == .completed || $0 == .skipped }) { return "Completed" }
        if statuses.allSatisfy({ $0 == .notStarted }) { return "Not Started" }
        return "In Progress"
    }

    /// `completed / total` as a whole percentage, rounded half up.
    static func percentage(_ completed: Int, of total: Int) -> Int {
        guard total > 0 else { return 0 }
        return (completed * 200 + total) / (2 * total)
    }

    /// Rewrites the derived figures from the project rows: the Overall Progress line, each section's Progress
    /// line, Current Status and Last Updated. Lines whose figures are already right are left untouched.
    mutating func recomputeDerivedFigures(lastUpdated date: CalendarDate) throws {
        let outline = try outline()
        let statuses = outline.projects.map(\.status)
        let completed = statuses.count { $0 == .completed }
        if let line = outline.overallLine {
            var text = Self.replacingFraction(in: lines[line].content, with: "\(completed)/\(statuses.count)")
            if let range = text.firstRange(of: #/\(\d+(\.\d+)?%\)/#) {
                text.replaceSubrange(range, with: "(\(Self.percentage(completed, of: statuses.count))%)")
            }
            setContent(text, line: line)
        }
        for section in outline.sections {
            guard let line = section.progressLine else { continue }
            let done = section.projects.count { outline.projects[$0].status == .completed }
            setContent(
                Self.replacingFraction(in: lines[line].content, with: "\(done)/\(section.projects.count)"),
                line: line
            )
        }
        if let line = outline.currentStatusLine {
            setContent(
                Self.replacingValue(
                    in: lines[line].content,
                    label: "current status",
                    with: Self.currentStatus(of: statuses)
                ),
                line: line
            )
        }
        if let line = outline.lastUpdatedLine {
            setContent(
                Self.replacingValue(in: lines[line].content, label: "last updated", with: date.description),
                line: line
            )
        }
    }

    /// `text` with its first `n/m` replaced.
    static func replacingFraction(in text: String, with fraction: String) -> String {
        guard let range = text.firstRange(of: #/\d+\s*\/\s*\d+/#) else { return text }
        var copy = text
        copy.replaceSubrange(range, with: fraction)
        return copy
    }

    /// `text` with the value after `label` and its colon replaced: only the date when the value is a date and the
    /// line holds one (so surrounding markup survives), otherwise everything after the colon.
    static func replacingValue(in text: String, label: String, with value: String) -> String {
        guard let labelRange = text.range(of: label, options: .caseInsensitive),
            let colon = text[labelRange.upperBound...].firstIndex(of: ":")
        else { return text }
        let valueStart = text.index(after: colon)
        var copy = text
        if (try? CalendarDate(parsing: value)) != nil,
            let range = text[valueStart...].firstRange(of: #/\d{4}-\d{2}-\d{2}/#)
        {
            copy.replaceSubrange(range, with: value)
            return copy
        }
        let old = text[valueStart...]
        // Keep a closing emphasis marker (`*Current Status: x*`) and trailing spaces.
        let trailing = old.reversed().prefix { $0 == "*" || $0 == "_" || $0 == " " }
        let trailingText = String(trailing.reversed())
        let oldValue = old.dropLast(trailingText.count).trimmingCharacters(in: .whitespaces)
        guard oldValue != value else { return text }
        copy.replaceSubrange(valueStart..., with: " " + value + trailingText)
        return copy
    }
}
