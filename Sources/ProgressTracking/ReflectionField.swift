/// One field of a month's reflection: `- **Key Learnings**: …`.
///
/// Months 1–11 have Projects Completed, Key Learnings, Challenges Faced and Next Month Focus; month 12 has
/// Achievements instead of Next Month Focus. A field the file already holds for a month (an extra one a user added)
/// may be written too, by its label.
public struct ReflectionField: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The label as written between the `**`, such as `Key Learnings`.
    public let label: String

    /// Creates a field from its label.
    public init(label: String) {
        self.label = label
    }

    /// `Projects Completed`.
    public static let projectsCompleted = ReflectionField(label: "Projects Completed")
    /// `Key Learnings`.
    public static let keyLearnings = ReflectionField(label: "Key Learnings")
    /// `Challenges Faced`.
    public static let challengesFaced = ReflectionField(label: "Challenges Faced")
    /// `Next Month Focus` (months 1–11).
    public static let nextMonthFocus = ReflectionField(label: "Next Month Focus")
    /// `Achievements` (month 12).
    public static let achievements = ReflectionField(label: "Achievements")

    /// The fields a month has in the template.
    public static func fields(forMonth month: Int) -> [ReflectionField] {
        [.projectsCompleted, .keyLearnings, .challengesFaced, month == 12 ? .achievements : .nextMonthFocus]
    }

    /// The label.
    public var description: String { label }
}
