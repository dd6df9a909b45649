import Foundation

/// The burn-up chart of the progress page, as SVG drawn on the server from ``template``: completed projects over
/// the twelve months from the Start Date (a step line) against the plan (Q1's projects by month 3, Q2's too by
/// month 6, Q3's by 9, Q4's by 12, linear within each quarter), with a marker at today.
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

    /// The drawing's values for ``template``: every coordinate formatted once, here.
    struct Drawing {
        struct GridLine {
            var y: String
            var value: Int
        }
        struct MonthLabel {
            var x: String
            var month: Int
        }
        struct Point {
            var cx: String
            var cy: String
        }
        var width: Int
        var height: Int
        var completedCount: Int
        var left: String
        var right: String
        var labelLeft: String
        var top: String
        var todayLabelY: String
        var plotBottom: String
        var monthLabelY: String
        var axisLabelX: String
        var axisLabelY: String
        var gridLines: [GridLine]
        var monthLabels: [MonthLabel]
        var planPoints: String
        var actualPath: String
        var completionPoints: [Point]
        var todayX: String
    }

    /// The chart as SVG, drawn on the server: the grid and axes, the plan (a dashed polyline), the completions (a
    /// step line with a dot at each) and a marker at today. Rendered with ``drawing`` (the kit escapes each value).
    static let template = """
        <svg id="burnup" class="burnup" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" \
        role="img" aria-labelledby="burnup-title"><title id="burnup-title">Burn-up: {{completedCount}} \
        projects completed against the plan</title>
        {{#gridLines}}<line class="grid" x1="{{left}}" y1="{{y}}" x2="{{right}}" y2="{{y}}"/>\
        <text class="axis" x="{{labelLeft}}" y="{{y}}" text-anchor="end" dy="4">{{value}}</text>
        {{/gridLines}}
        {{#monthLabels}}<text class="axis" x="{{x}}" y="{{monthLabelY}}" text-anchor="middle">{{month}}</text>
        {{/monthLabels}}
        <text class="axis" x="{{axisLabelX}}" y="{{axisLabelY}}" text-anchor="middle">months since the Start Date</text>
        <polyline class="plan" points="{{planPoints}}"/>
        <path class="actual" d="{{actualPath}}"/>
        {{#completionPoints}}<circle class="completion" cx="{{cx}}" cy="{{cy}}" r="3"/>
        {{/completionPoints}}
        <line class="today" x1="{{todayX}}" y1="{{top}}" x2="{{todayX}}" y2="{{plotBottom}}"/>\
        <text class="axis" x="{{todayX}}" y="{{todayLabelY}}" text-anchor="middle">today</text>
        </svg>
        """

    /// The values the template draws.
    var drawing: Drawing {
        let plotBottom = Self.height - Self.bottom
        let step = maximum > 20 ? 5.0 : (maximum > 10 ? 2.0 : 1.0)
        var gridLines: [Drawing.GridLine] = []
        var tick = 0.0
        while tick <= maximum + 0.001 {
            gridLines.append(Drawing.GridLine(y: Self.number(y(tick)), value: Int(tick)))
            tick += step
        }
        // Completions: a step up at each one, then flat to today.
        var path = "M\(Self.number(x(0))),\(Self.number(y(0)))"
        for (index, month) in completions.enumerated() {
            path += " H\(Self.number(x(month))) V\(Self.number(y(Double(index + 1))))"
        }
        path += " H\(Self.number(x(max(todayMonth, completions.last ?? 0))))"
        return Drawing(
            width: Int(Self.width),
            height: Int(Self.height),
            completedCount: completions.count,
            left: Self.number(Self.left),
            right: Self.number(Self.width - Self.right),
            labelLeft: Self.number(Self.left - 6),
            top: Self.number(Self.top),
            todayLabelY: Self.number(Self.top - 4),
            plotBottom: Self.number(plotBottom),
            monthLabelY: Self.number(plotBottom + 16),
            axisLabelX: Self.number(x(6)),
            axisLabelY: Self.number(Self.height - 2),
            gridLines: gridLines,
            monthLabels: (0...12).map { Drawing.MonthLabel(x: Self.number(x(Double($0))), month: $0) },
            planPoints: planPoints.map { "\(Self.number(x($0.month))),\(Self.number(y($0.projects)))" }
                .joined(separator: " "),
            actualPath: path,
            completionPoints: completions.enumerated().map { index, month in
                Drawing.Point(cx: Self.number(x(month)), cy: Self.number(y(Double(index + 1))))
            },
            todayX: Self.number(x(todayMonth))
        )
    }
}
