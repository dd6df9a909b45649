import CLIKit
import Foundation
import ProgressTracking

/// The terminal view of `mastery progress show`: a progress bar per section and overall, the projects in progress
/// and the next ones, and the pace against the plan. ANSI colours only when `colors` is true.
struct ProgressTerminalView {
    var snapshot: ProgressSnapshot
    /// The pace at `today`; `nil` when the file has no Start Date.
    var pace: ProgressPace?
    /// The day the view is for (`--date` or today).
    var today: CalendarDate
    /// How many upcoming projects to list.
    var nextCount = 3
    var colors: Bool
    /// The width of a bar in cells.
    var barWidth = 24

    private enum Style: String {
        case bold = "1"
        case dim = "2"
        case green = "32"
        case yellow = "33"
        case red = "31"
        case cyan = "36"
    }

    /// The view, ending with a newline.
    func render() -> String {
        var out: [String] = []
        out.append(paint(snapshot.title ?? "Progress", .bold))
        var facts: [String] = []
        if let start = snapshot.startDate { facts.append("started \(start)") }
        if let target = snapshot.targetDate { facts.append("target \(target)") }
        facts.append(snapshot.currentStatus)
        if let updated = snapshot.lastUpdated { facts.append("last updated \(updated)") }
        out.append(facts.joined(separator: " · "))
        out.append("")

        let rows =
            [("Overall", snapshot.totals.completed, snapshot.totals.total)]
            + snapshot.sections.map { ($0.title, $0.completed, $0.projects.count) }
        let labelWidth = min(rows.map(\.0.count).max() ?? 0, 48)
        for (index, row) in rows.enumerated() {
            let label = pad(row.0.count > labelWidth ? String(row.0.prefix(labelWidth - 1)) + "…" : row.0, labelWidth)
            let count = pad("\(row.1)/\(row.2)", 5, left: true)
            let figures = "\(count) \(pad("\(percent(row.1, of: row.2))%", 4, left: true))"
            out.append("\(index == 0 ? paint(label, .bold) : label)  \(bar(row.1, of: row.2))  \(figures)")
            if index == 0 { out.append("") }
        }
        let totals = snapshot.totals
        out.append("")
        out.append(
            "\(totals.completed) complete, \(totals.inProgress) in progress, \(totals.notStarted) not started, "
                + "\(totals.skipped) skipped"
        )

        let inProgress = snapshot.projects.filter { $0.status == .inProgress }
        out.append("")
        out.append(paint("In progress", .bold))
        if inProgress.isEmpty { out.append("  (none)") }
        for project in inProgress {
            let since = project.startDate.map { start in
                let days = start.days(to: today)
                return " (since \(start)" + (days >= 0 ? ", \(days) day\(days == 1 ? "" : "s")" : "") + ")"
            }
            out.append("  " + paint("\(project.number)", .yellow) + " \(project.name)" + (since ?? ""))
        }
        // The pace's list when there is one; the same order (quarters, then Bonus) without a Start Date.
        let next =
            pace?.next
            ?? Array(
                (snapshot.sections.filter { !$0.isBonus } + snapshot.sections.filter(\.isBonus))
                    .flatMap(\.projects).filter { $0.status == .notStarted }.prefix(nextCount)
            )
        out.append("")
        out.append(paint("Next", .bold))
        if next.isEmpty { out.append("  (none)") }
        for project in next {
            out.append("  " + paint("\(project.number)", .cyan) + " \(project.name)")
        }
        if let pace {
            out.append("")
            out.append(paint("Pace:", .bold) + " " + paceLine(pace))
        } else {
            out.append("")
            out.append(paint("Pace:", .bold) + " unknown, the file has no Start Date")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `month 2.0 of 12 (2026-01-18): the plan expects 2.7 complete, 0 done: 2 projects behind the plan`.
    func paceLine(_ pace: ProgressPace) -> String {
        let verdict: String
        let style: Style
        switch pace.projectsAhead {
        case 0:
            (verdict, style) = ("on pace", .green)
        case let ahead where ahead > 0:
            (verdict, style) = ("\(ahead) project\(ahead == 1 ? "" : "s") ahead of the plan", .green)
        case let ahead:
            (verdict, style) = ("\(-ahead) project\(ahead == -1 ? "" : "s") behind the plan", .red)
        }
        return "month \(oneDecimal(pace.monthsElapsed)) of 12 (\(pace.date)): the plan expects "
            + "\(oneDecimal(pace.planned)) complete, \(pace.completed) done: " + paint(verdict, style)
    }

    private func bar(_ done: Int, of total: Int) -> String {
        let filled = total == 0 ? 0 : min(barWidth, (done * barWidth + total / 2) / total)
        let full = String(repeating: "█", count: filled)
        let empty = String(repeating: "░", count: barWidth - filled)
        return paint(full, .green) + paint(empty, .dim)
    }

    private func percent(_ done: Int, of total: Int) -> Int {
        total == 0 ? 0 : (done * 200 + total) / (2 * total)  // rounded half up, as the file's figures
    }

    private func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }

    private func paint(_ text: String, _ style: Style) -> String {
        guard colors, !text.isEmpty else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }
}
