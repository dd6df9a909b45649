internal import Foundation

extension ProgressDocument {
    /// Everything the document says, as plain values (for `show`, JSON and the dashboard).
    /// - Throws: ``ProgressError/Code/invalidDocument`` if the document no longer has a project table.
    public func snapshot() throws -> ProgressSnapshot {
        let outline = try outline()
        let sections = outline.sections.map { section in
            let projects = section.projects.map { index in
                let row = outline.projects[index]
                return ProgressSnapshot.Project(
                    number: ProjectNumber(unchecked: row.number),
                    name: row.name,
                    status: row.status,
                    startDate: row.startDate,
                    endDate: row.endDate,
                    notes: row.notes,
                    section: section.title,
                    line: row.line + 1
                )
            }
            return ProgressSnapshot.Section(
                title: section.title,
                quarter: section.quarter,
                isBonus: section.isBonus,
                projects: projects,
                completed: projects.count { $0.status == .completed }
            )
        }
        let statuses = outline.projects.map(\.status)
        let completed = statuses.count { $0 == .completed }
        let totals = ProgressSnapshot.Totals(
            total: statuses.count,
            completed: completed,
            inProgress: statuses.count { $0 == .inProgress },
            notStarted: statuses.count { $0 == .notStarted },
            skipped: statuses.count { $0 == .skipped },
            percentComplete: Self.percentage(completed, of: statuses.count)
        )
        return ProgressSnapshot(
            title: outline.headings.first { $0.heading.level == 1 }?.heading.title,
            startDate: outline.startDateLine.flatMap { Outline.date(in: lines[$0].content) },
            targetDate: outline.targetLine.flatMap { Outline.date(in: lines[$0].content) },
            lastUpdated: outline.lastUpdatedLine.flatMap { Outline.date(in: lines[$0].content) },
            currentStatus: Self.currentStatus(of: statuses),
            sections: sections,
            totals: totals,
            checklist: outline.checklist.map {
                ProgressSnapshot.ChecklistItem(text: $0.text, checked: $0.checked, group: $0.group, line: $0.line + 1)
            },
            reflections: (1...12).compactMap { month in
                guard let block = outline.monthBlock(month, in: lines) else { return nil }
                let fields = (block.heading + 1..<block.end).compactMap { index -> ProgressSnapshot.Reflection.Field? in
                    guard let label = Self.reflectionLabel(lines[index].content) else { return nil }
                    let content = lines[index].content
                    let colon = content.firstIndex(of: ":") ?? content.endIndex
                    let value = content[colon...].dropFirst().drop { $0 == "*" }.trimmingCharacters(in: .whitespaces)
                    return ProgressSnapshot.Reflection.Field(label: label, value: value)
                }
                return ProgressSnapshot.Reflection(month: month, fields: fields)
            },
            warStories: listItems(in: .warStories, outline: outline),
            blogPosts: listItems(in: .blogPosts, outline: outline),
            repositories: listItems(in: .repositories, outline: outline),
            insights: listItems(in: .insights, outline: outline)
        )
    }

    /// The texts of the list items (not checklist items) of a named section.
    func listItems(in section: NamedSection, outline: Outline) -> [String] {
        guard let heading = outline.heading(containing: section.keys) else { return [] }
        let end = entriesEnd(after: heading.line, outline: outline)
        return (heading.line + 1..<end).compactMap { index in
            let trimmed = lines[index].trimmed
            guard Outline.isListItem(trimmed), Outline.checklistItem(trimmed) == nil, !Self.isRule(trimmed) else {
                return nil
            }
            return String(trimmed.dropFirst(2))
        }
    }
}
