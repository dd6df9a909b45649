/// Everything a progress document says, as plain values: what `mastery progress show --json` prints and what the
/// dashboard renders. Made by ``ProgressDocument/snapshot()``.
public struct ProgressSnapshot: Hashable, Sendable, Codable {
    /// One project row.
    public struct Project: Hashable, Sendable, Codable {
        /// The number, written `01`.
        public var number: ProjectNumber
        /// The name as written in the table.
        public var name: String
        /// The status.
        public var status: ProjectStatus
        /// The Start Date, if the cell holds a date.
        public var startDate: CalendarDate?
        /// The End Date, if the cell holds a date.
        public var endDate: CalendarDate?
        /// The Notes cell as written (Markdown, `\|` escapes kept).
        public var notes: String
        /// The title of the section the project belongs to.
        public var section: String
        /// The 1-based line of the row in the file.
        public var line: Int
    }

    /// A section holding project tables (Q1…Q4, Bonus, or another heading).
    public struct Section: Hashable, Sendable, Codable {
        /// The heading's title, such as `Q1: Foundations & Scalability (Months 1-3)`.
        public var title: String
        /// 1–4 for a quarter's section, else `nil`.
        public var quarter: Int?
        /// Whether the heading names Bonus projects.
        public var isBonus: Bool
        /// The projects, in file order.
        public var projects: [Project]
        /// How many of them are completed.
        public var completed: Int
    }

    /// Counts over all projects.
    public struct Totals: Hashable, Sendable, Codable {
        /// The number of projects (40 in the seed).
        public var total: Int
        /// ✅ projects.
        public var completed: Int
        /// 🟡 projects.
        public var inProgress: Int
        /// ⬜ projects.
        public var notStarted: Int
        /// ⏭️ projects (not complete).
        public var skipped: Int
        /// `completed / total` in percent, rounded half up.
        public var percentComplete: Int
    }

    /// A `- [ ]` / `- [x]` item.
    public struct ChecklistItem: Hashable, Sendable, Codable {
        /// The text after the box, as written.
        public var text: String
        /// Whether the box is ticked.
        public var checked: Bool
        /// The title of the nearest heading above it, such as `Distributed Systems`.
        public var group: String
        /// The 1-based line.
        public var line: Int
    }

    /// One month's reflection.
    public struct Reflection: Hashable, Sendable, Codable {
        /// One `- **Label**: value` line.
        public struct Field: Hashable, Sendable, Codable {
            /// The label, such as `Key Learnings`.
            public var label: String
            /// The value (empty when not written yet).
            public var value: String
        }
        /// 1–12.
        public var month: Int
        /// The fields in file order.
        public var fields: [Field]
    }

    /// The first `#` heading.
    public var title: String?
    /// The `Start Date` line's date.
    public var startDate: CalendarDate?
    /// The `Target Completion` line's date.
    public var targetDate: CalendarDate?
    /// The `Last Updated` line's date.
    public var lastUpdated: CalendarDate?
    /// `Not Started`, `In Progress` or `Completed`, computed from the projects.
    public var currentStatus: String
    /// The project sections in file order.
    public var sections: [Section]
    /// Counts over all projects.
    public var totals: Totals
    /// Every checklist item in file order.
    public var checklist: [ChecklistItem]
    /// The monthly reflections found.
    public var reflections: [Reflection]
    /// The list items under "War Stories Collected".
    public var warStories: [String]
    /// The list items under "Blog Posts Written".
    public var blogPosts: [String]
    /// The list items under "GitHub Repositories".
    public var repositories: [String]
    /// The list items under "Notes & Insights".
    public var insights: [String]

    /// All projects in file order.
    public var projects: [Project] { sections.flatMap(\.projects) }

    /// The project with that number, if any.
    public func project(_ number: ProjectNumber) -> Project? {
        projects.first { $0.number == number }
    }
}
