internal import Foundation

/// The status of one project, shown in the file as a glyph: ⬜ 🟡 ✅ ⏭️.
public enum ProjectStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// ⬜: not started.
    case notStarted
    /// 🟡: in progress.
    case inProgress
    /// ✅: completed.
    case completed
    /// ⏭️: skipped. A skipped project does not count as completed.
    case skipped

    /// The glyph written in proper UTF-8.
    public var glyph: String {
        switch self {
        case .notStarted: "\u{2B1C}"
        case .inProgress: "\u{1F7E1}"
        case .completed: "\u{2705}"
        case .skipped: "\u{23ED}\u{FE0F}"
        }
    }

    /// A readable name: `Not Started`, `In Progress`, `Completed`, `Skipped`.
    public var label: String {
        switch self {
        case .notStarted: "Not Started"
        case .inProgress: "In Progress"
        case .completed: "Completed"
        case .skipped: "Skipped"
        }
    }

    /// Recognises a status cell: any of the glyphs (proper UTF-8, ⏭ without its variation selector, or the Mac Roman
    /// and Windows-1252 mojibake of them), or the readable names; an empty cell is ``notStarted``.
    /// - Returns: `nil` when the cell holds something else.
    public init?(cell: String) {
        let text = Mojibake.repaired(cell).trimmingCharacters(in: .whitespaces).replacingOccurrences(
            of: "\u{FE0F}",
            with: ""
        )
        switch text.lowercased() {
        case "", "\u{2B1C}", "not started", "todo": self = .notStarted
        case "\u{1F7E1}", "in progress": self = .inProgress
        case "\u{2705}", "completed", "complete", "done": self = .completed
        case "\u{23ED}", "skipped": self = .skipped
        default: return nil
        }
    }
}
