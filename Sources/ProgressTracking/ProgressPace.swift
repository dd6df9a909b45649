/// Progress against the plan at a date, for `mastery progress show` and the dashboard.
///
/// The plan follows the quarters counted from the Start Date: by the end of month 3 the Q1 projects are done (4 in
/// the seed), by month 6 those of Q2 too (8), by month 9 Q3 (12), by month 12 Q4 (17); linear within each quarter.
/// Bonus projects are not in the plan, but completing one counts like any other completion.
public struct ProgressPace: Hashable, Sendable, Codable {
    /// The date the pace is measured at.
    public var date: CalendarDate
    /// The plan's start (the document's Start Date).
    public var startDate: CalendarDate
    /// Months since the start (fractional, clamped to 0–12).
    public var monthsElapsed: Double
    /// Projects the plan expects completed by `date` (fractional).
    public var planned: Double
    /// Projects completed, Bonus included.
    public var completed: Int
    /// `completed - floor(planned)`: positive when ahead, negative when behind, 0 on pace.
    public var projectsAhead: Int
    /// The 🟡 projects.
    public var inProgress: [ProgressSnapshot.Project]
    /// The next ⬜ projects in file order (quarters first, then Bonus).
    public var next: [ProgressSnapshot.Project]

    /// The planned number of completed projects after `months` months, given the number of projects of each quarter.
    /// - Parameters:
    ///   - months: Months since the start, fractional; clamped to 0–12.
    ///   - quarterSizes: Projects in Q1, Q2, Q3, Q4 (missing quarters count 0).
    public static func planned(afterMonths months: Double, quarterSizes: [Int]) -> Double {
        let t = min(max(months, 0), 12)
        let sizes = (0..<4).map { $0 < quarterSizes.count ? quarterSizes[$0] : 0 }
        let quarter = min(Int(t / 3), 3)
        let before = sizes.prefix(quarter).reduce(0, +)
        return Double(before) + Double(sizes[quarter]) * (t - Double(quarter) * 3) / 3
    }

    /// Months from `start` to `date`: whole months, plus the elapsed fraction of the next month in days.
    public static func months(from start: CalendarDate, to date: CalendarDate) -> Double {
        guard date > start else { return 0 }
        var whole = (date.year - start.year) * 12 + (date.month - start.month)
        if start.adding(months: whole) > date { whole -= 1 }
        let from = start.adding(months: whole)
        let to = start.adding(months: whole + 1)
        return Double(whole) + Double(from.days(to: date)) / Double(from.days(to: to))
    }
}

extension ProgressSnapshot {
    /// The pace against the plan at `date`.
    /// - Parameters:
    ///   - date: The day to measure at (pass today from an injected clock).
    ///   - nextCount: How many upcoming ⬜ projects to list.
    /// - Throws: ``ProgressError/Code/invalidDocument`` when the document has no Start Date.
    public func pace(on date: CalendarDate, nextCount: Int = 3) throws -> ProgressPace {
        guard let startDate else {
            throw ProgressError(code: .invalidDocument, message: "the file has no **Start Date** line with a date")
        }
        let quarterSizes = (1...4).map { quarter in
            sections.filter { $0.quarter == quarter && !$0.isBonus }.reduce(0) { $0 + $1.projects.count }
        }
        let months = ProgressPace.months(from: startDate, to: date)
        let planned = ProgressPace.planned(afterMonths: months, quarterSizes: quarterSizes)
        let ordered =
            sections.filter { !$0.isBonus }.flatMap(\.projects) + sections.filter(\.isBonus).flatMap(\.projects)
        return ProgressPace(
            date: date,
            startDate: startDate,
            monthsElapsed: min(months, 12),
            planned: planned,
            completed: totals.completed,
            projectsAhead: totals.completed - Int(planned.rounded(.down)),
            inProgress: projects.filter { $0.status == .inProgress },
            next: Array(ordered.filter { $0.status == .notStarted }.prefix(max(0, nextCount)))
        )
    }
}
