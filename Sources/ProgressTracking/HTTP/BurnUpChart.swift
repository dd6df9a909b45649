import Foundation

/// The burn-up chart of the progress page, as SVG drawn on the server: completed projects over the twelve months
/// from the Start Date (a step line) against the plan (Q1's projects by month 3, Q2's too by month 6, Q3's by 9,
/// Q4's by 12, linear within each quarter), with a marker at today.
struct BurnUpChart: Sendable {
    /// The plan's cumulative targets at months 0, 3, 6, 9, 12.
    var planPoints: [(month: Double, projects: Double)]
    /// The month (0–12) of each completion, sorted.
    var completions: [Double]
    /// Today, in months since the start (0–12).
    var todayMonth: Double

    static let width = 720.0
    static let height = 300.0
    static let left = 44.0
    static let right = 16.0
    static let top = 16.0
    static let bottom = 36.0

    /// The chart of `snapshot` at `today`; `nil` when the file has no Start Date.
    init?(snapshot: ProgressSnapshot, today: CalendarDate) {
        guard let start = snapshot.startDate else { return nil }
        let sizes = (1...4).map { quarter in
            snapshot.sections.filter { $0.quarter == quarter && !$0.isBonus }.reduce(0) { $0 + $1.projects.count }
        }
        planPoints = (0...4).map { quarter in
            (Double(quarter * 3), ProgressPace.planned(afterMonths: Double(quarter * 3), quarterSizes: sizes))
        }
        let now = min(ProgressPace.months(from: start, to: today), 12)
        todayMonth = now
        // A completion without an End Date is drawn at today, so the line ends at the true count.
        completions = snapshot.projects.filter { $0.status == .completed }
            .map { project in project.endDate.map { min(ProgressPace.months(from: start, to: $0), 12) } ?? now }
            .sorted()
    }

    var maximum: Double {
        max(planPoints.map(\.projects).max() ?? 0, Double(completions.count), 1)
    }

    func x(_ month: Double) -> Double {
        Self.left + month / 12 * (Self.width - Self.left - Self.right)
    }

    func y(_ projects: Double) -> Double {
        Self.top + (1 - projects / maximum) * (Self.height - Self.top - Self.bottom)
    }

    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// The `<svg>` element.
    var svg: String {
        var parts: [String] = []
        let plotBottom = Self.height - Self.bottom
        parts.append(
            """
            <svg id="burnup" class="burnup" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" \
            role="img" aria-labelledby="burnup-title"><title id="burnup-title">Burn-up: \(completions.count) \
            projects completed against the plan</title>
            """
        )
        // Grid and axes.
        let step = maximum > 20 ? 5.0 : (maximum > 10 ? 2.0 : 1.0)
        var tick = 0.0
        while tick <= maximum + 0.001 {
            let yy = Self.number(y(tick))
            parts.append(
                #"<line class="grid" x1="\#(Self.number(Self.left))" y1="\#(yy)" x2="\#(Self.number(Self.width - Self.right))" y2="\#(yy)"/>"#
                    + #"<text class="axis" x="\#(Self.number(Self.left - 6))" y="\#(yy)" text-anchor="end" dy="4">\#(Int(tick))</text>"#
            )
            tick += step
        }
        for month in 0...12 {
            let xx = Self.number(x(Double(month)))
            parts.append(
                #"<text class="axis" x="\#(xx)" y="\#(Self.number(plotBottom + 16))" text-anchor="middle">\#(month)</text>"#
            )
        }
        parts.append(
            #"<text class="axis" x="\#(Self.number(x(6)))" y="\#(Self.number(Self.height - 2))" text-anchor="middle">months since the Start Date</text>"#
        )
        // The plan.
        let plan = planPoints.map { "\(Self.number(x($0.month))),\(Self.number(y($0.projects)))" }.joined(separator: " ")
        parts.append(#"<polyline class="plan" points="\#(plan)"/>"#)
        // Completions: a step up at each one, then flat to today.
        var path = "M\(Self.number(x(0))),\(Self.number(y(0)))"
        for (index, month) in completions.enumerated() {
            path += " H\(Self.number(x(month))) V\(Self.number(y(Double(index + 1))))"
        }
        path += " H\(Self.number(x(max(todayMonth, completions.last ?? 0))))"
        parts.append(#"<path class="actual" d="\#(path)"/>"#)
        for (index, month) in completions.enumerated() {
            parts.append(
                #"<circle class="completion" cx="\#(Self.number(x(month)))" cy="\#(Self.number(y(Double(index + 1))))" r="3"/>"#
            )
        }
        let today = Self.number(x(todayMonth))
        parts.append(
            #"<line class="today" x1="\#(today)" y1="\#(Self.number(Self.top))" x2="\#(today)" y2="\#(Self.number(plotBottom))"/>"#
                + #"<text class="axis" x="\#(today)" y="\#(Self.number(Self.top - 4))" text-anchor="middle">today</text>"#
        )
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
