import Dashboard
import Foundation
import Platform

/// The progress page's content (the dashboard frame is added by `DashboardRenderer`): the overall and per-section
/// progress bars, the burn-up chart, the project cards with their buttons, the skills matrix, the milestones and
/// the monthly reflections. The page is the template ``ProgressPageTemplates/page`` rendered with ``context``: every
/// text from the file is HTML-escaped by the template. The bars' widths come from their `data-percent` through the
/// served stylesheet; the buttons work through the served script, which reads the API's path from
/// `#progress[data-api]`.
struct ProgressPage: Sendable {
    var report: ProgressReport
    /// The document's text, to find which checklist items belong to which `##` section.
    var text: String
    var mountedModules: Set<String>
    var today: CalendarDate
    /// The page's path (its assets are beside it).
    var basePath: String
    /// The path of the tracker's API (`/v1/progress`), which the buttons post under.
    var apiPath: String

    var snapshot: ProgressSnapshot { report.snapshot }

    /// The page's own stylesheet and script, served beside it (``ProgressPageAssets``): the page holds no inline
    /// script, style or event handler, so it works under a `Content-Security-Policy` of `script-src 'self';
    /// style-src 'self'`.
    var assets: PageAssets { .beside(basePath) }

    /// What the template reads.
    var context: Context {
        var facts: [String] = []
        if let start = snapshot.startDate { facts.append("started \(start)") }
        if let target = snapshot.targetDate { facts.append("target \(target)") }
        if let updated = snapshot.lastUpdated { facts.append("last updated \(updated)") }
        let totals = snapshot.totals
        let skills = self.skills
        let milestones = checklist(under: "Milestone").map { item in
            Milestone(checked: item.checked, lines: HTML.cell(item.text.replacingOccurrences(of: "**", with: "")))
        }
        return Context(
            apiBase: apiPath,
            heading: snapshot.title ?? "Progress",
            currentStatus: snapshot.currentStatus,
            facts: facts,
            pace: report.pace.map(Pace.init),
            overall: Bar(barID: "overall-progress", label: "Overall", completed: totals.completed, total: totals.total),
            totals: totals,
            chart: BurnUpChart(snapshot: snapshot, today: today)?.drawing,
            sections: snapshot.sections.enumerated().map { index, section in
                Section(
                    index: index,
                    sectionTitle: section.title,
                    sectionBar: Bar(
                        label: section.isBonus ? "Bonus" : section.quarter.map { "Q\($0)" } ?? "Section",
                        completed: section.completed,
                        total: section.projects.count
                    ),
                    cards: section.projects.map(card)
                )
            },
            skills: skills,
            hasMilestones: !milestones.isEmpty,
            milestones: milestones,
            hasReflections: !snapshot.reflections.isEmpty,
            reflections: snapshot.reflections.map { reflection in
                let written = reflection.fields.filter { !$0.value.isEmpty }
                return Reflection(
                    month: reflection.month,
                    written: !written.isEmpty,
                    fields: written.map { Reflection.Field(label: $0.label, lines: HTML.cell($0.value)) }
                )
            }
        )
    }

    func card(_ project: ProgressSnapshot.Project) -> Card {
        var dates: [String] = []
        if let start = project.startDate { dates.append("started \(start)") }
        if let end = project.endDate { dates.append("ended \(end)") }
        let notes = project.notes.trimmingCharacters(in: .whitespaces)
        let system = SystemCatalog.all.first { $0.number == project.number.value }
            .flatMap { descriptor in
                mountedModules.contains(descriptor.module)
                    ? Card.System(
                        module: descriptor.module,
                        systemPagePath: descriptor.pagePath,
                        systemAPIPath: descriptor.apiPath
                    )
                    : nil
            }
        let verbs: [ProgressController.Verb] =
            switch project.status {
            case .notStarted: [.start, .skip]
            case .inProgress: [.complete, .skip]
            case .completed, .skipped: []
            }
        return Card(
            number: project.number.description,
            name: project.name,
            status: project.status.rawValue,
            statusGlyph: Self.glyph(project.status),
            statusLabel: project.status.label,
            dates: dates.joined(separator: " · "),
            hasNotes: !notes.isEmpty,
            lines: HTML.cell(notes),
            system: system,
            hasActions: !verbs.isEmpty,
            actions: verbs.map {
                Card.Action(action: $0.rawValue, title: $0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst())
            }
        )
    }

    /// The kit's status glyph for a project status (the file keeps its emoji; the page draws shapes).
    static func glyph(_ status: ProjectStatus) -> String {
        switch status {
        case .notStarted: "todo"
        case .inProgress: "active"
        case .completed: "done"
        case .skipped: "skipped"
        }
    }

    /// The checklist items between the `#`/`##` heading whose title contains `keyword` and the next such heading.
    func checklist(under keyword: String) -> [ProgressSnapshot.ChecklistItem] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var range: Range<Int>? = nil
        var start: Int? = nil
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("# ") || trimmed.hasPrefix("## ") else { continue }
            if let begin = start {
                range = begin..<(index + 1)
                start = nil
                break
            }
            if trimmed.localizedCaseInsensitiveContains(keyword) { start = index + 1 }
        }
        if let begin = start { range = begin..<(lines.count + 1) }
        guard let range else { return [] }
        return snapshot.checklist.filter { range.contains($0.line) }
    }

    var skills: Skills? {
        let items = checklist(under: "Skills")
        guard !items.isEmpty else { return nil }
        var groups: [Skills.Group] = []
        for item in items {
            let skill = Skills.Item(checked: item.checked, text: item.text)
            if groups.last?.group == item.group {
                groups[groups.count - 1].items.append(skill)
            } else {
                groups.append(Skills.Group(group: item.group, items: [skill]))
            }
        }
        return Skills(
            skillsBar: Bar(label: "Skills acquired", completed: items.count { $0.checked }, total: items.count),
            groups: groups
        )
    }
}
