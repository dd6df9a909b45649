import Foundation
import Platform

/// The `/systems/progress` page's content (the dashboard frame is added by `DashboardRenderer`): the overall and
/// per-section progress bars, the burn-up chart, the project cards with their buttons, the skills matrix, the
/// milestones and the monthly reflections. Every text from the file is HTML-escaped. The bars' widths come from
/// their `data-percent` through the served stylesheet; the buttons work through the served script.
struct ProgressPage: Sendable {
    var report: ProgressReport
    /// The document's text, to find which checklist items belong to which `##` section.
    var text: String
    var mountedModules: Set<String>
    var today: CalendarDate

    var snapshot: ProgressSnapshot { report.snapshot }

    /// The page's stylesheet and script, served beside it (``ProgressPageAssets``): the page holds no inline
    /// script, style or event handler, so it works under a `Content-Security-Policy` of `script-src 'self';
    /// style-src 'self'`.
    static let assets = """
        <link rel="stylesheet" href="\(ProgressPageAssets.stylesheetPath)">
        <script src="\(ProgressPageAssets.scriptPath)" defer></script>
        """

    var html: String {
        [Self.assets, header, overall, chart, sections, skills, milestones, reflections].joined(separator: "\n")
    }

    var header: String {
        var facts: [String] = ["<strong>\(HTML.escape(snapshot.currentStatus))</strong>"]
        if let start = snapshot.startDate { facts.append("started \(start)") }
        if let target = snapshot.targetDate { facts.append("target \(target)") }
        if let updated = snapshot.lastUpdated { facts.append("last updated \(updated)") }
        var pace = ""
        if let value = report.pace {
            let ahead =
                value.projectsAhead == 0
                ? "on pace"
                : value.projectsAhead > 0 ? "\(value.projectsAhead) ahead of the plan" : "\(-value.projectsAhead) behind the plan"
            pace = """
                <p id="pace" class="lede">Month \(String(format: "%.1f", value.monthsElapsed)) of 12: \(value.completed) \
                completed, \(String(format: "%.1f", value.planned)) planned by today (\(ahead)).</p>
                """
        }
        return """
            <h1>\(HTML.escape(snapshot.title ?? "Progress"))</h1>
            <p class="lede">\(facts.joined(separator: " · "))</p>
            \(pace)
            <p id="progress-message" class="error" role="alert" hidden></p>
            """
    }

    static func bar(id: String? = nil, label: String, completed: Int, total: Int) -> String {
        let percent = total == 0 ? 0 : (completed * 100 + total / 2) / total
        let idAttribute = id.map { #" id="\#($0)""# } ?? ""
        return """
            <div class="progress"\(idAttribute)><span class="progress-label">\(HTML.escape(label)): \(completed)/\(total) (\(percent)%)</span>\
            <div class="bar" role="progressbar" aria-label="\(HTML.escape(label))" aria-valuemin="0" aria-valuemax="\(total)" \
            aria-valuenow="\(completed)" data-percent="\(percent)"><span></span></div></div>
            """
    }

    var overall: String {
        let totals = snapshot.totals
        return """
            <section class="overall">
            \(Self.bar(id: "overall-progress", label: "Overall", completed: totals.completed, total: totals.total))
            <p class="counts">\(totals.completed) completed · \(totals.inProgress) in progress · \(totals.notStarted) not \
            started · \(totals.skipped) skipped</p>
            </section>
            """
    }

    var chart: String {
        guard let chart = BurnUpChart(snapshot: snapshot, today: today) else {
            return #"<section class="chart"><h2>Burn-up</h2><p class="muted">The file has no Start Date: no plan to draw.</p></section>"#
        }
        return """
            <section class="chart"><h2>Burn-up</h2>
            <p class="legend"><span class="key actual"></span> completed <span class="key plan"></span> plan \
            (4 by month 3, 8 by 6, 12 by 9, 17 by 12)</p>
            \(chart.svg)
            </section>
            """
    }

    var sections: String {
        snapshot.sections.enumerated().map { index, section in
            """
            <section class="progress-section" data-section="\(index)">
            <h2>\(HTML.escape(section.title))</h2>
            \(Self.bar(label: section.isBonus ? "Bonus" : section.quarter.map { "Q\($0)" } ?? "Section", completed: section.completed, total: section.projects.count))
            <div class="cards">
            \(section.projects.map(card).joined(separator: "\n"))
            </div>
            </section>
            """
        }.joined(separator: "\n")
    }

    func card(_ project: ProgressSnapshot.Project) -> String {
        let number = project.number.description
        var dates: [String] = []
        if let start = project.startDate { dates.append("started \(start)") }
        if let end = project.endDate { dates.append("ended \(end)") }
        let notes = project.notes.trimmingCharacters(in: .whitespaces)
        let system: String
        if let descriptor = SystemCatalog.all.first(where: { $0.number == project.number.value }),
            mountedModules.contains(descriptor.module)
        {
            system = """
                <p class="system"><a href="\(HTML.escape(descriptor.pagePath))">\(HTML.escape(descriptor.module))</a> · \
                <a href="\(HTML.escape(descriptor.apiPath))">API</a></p>
                """
        } else {
            system = #"<p class="system"><span class="pill muted">not built yet</span></p>"#
        }
        var buttons: [String] = []
        switch project.status {
        case .notStarted:
            buttons = [Self.button("start", number), Self.button("skip", number)]
        case .inProgress:
            buttons = [Self.button("complete", number), Self.button("skip", number)]
        case .completed, .skipped:
            break
        }
        return """
            <article class="card" data-project="\(number)" data-status="\(project.status.rawValue)">
            <header><span class="num">\(number)</span> <span class="name">\(HTML.escape(project.name))</span></header>
            <p><span class="pill status \(project.status.rawValue)">\(project.status.glyph) \(project.status.label)</span> \
            <span class="dates">\(dates.joined(separator: " · "))</span></p>
            \(notes.isEmpty ? "" : #"<p class="notes">\#(HTML.cell(notes))</p>"#)
            \(system)
            \(buttons.isEmpty ? "" : #"<p class="actions">\#(buttons.joined(separator: " "))</p>"#)
            </article>
            """
    }

    static func button(_ action: String, _ number: String) -> String {
        #"<button type="button" data-action="\#(action)" data-project="\#(number)">\#(action.prefix(1).uppercased() + action.dropFirst())</button>"#
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

    var skills: String {
        let items = checklist(under: "Skills")
        guard !items.isEmpty else { return "" }
        var groups: [(String, [ProgressSnapshot.ChecklistItem])] = []
        for item in items {
            if groups.last?.0 == item.group { groups[groups.count - 1].1.append(item) } else { groups.append((item.group, [item])) }
        }
        let acquired = items.count { $0.checked }
        let columns = groups.map { group, items in
            """
            <div class="skill-group"><h3>\(HTML.escape(group))</h3><ul>\
            \(items.map { #"<li class="skill" data-checked="\#($0.checked)">\#($0.checked ? "☑" : "☐") \#(HTML.escape($0.text))</li>"# }.joined())\
            </ul></div>
            """
        }
        return """
            <section id="skills"><h2>Skills matrix</h2>
            \(Self.bar(label: "Skills acquired", completed: acquired, total: items.count))
            <div class="skills">\(columns.joined(separator: "\n"))</div>
            </section>
            """
    }

    var milestones: String {
        let items = checklist(under: "Milestone")
        guard !items.isEmpty else { return "" }
        return """
            <section id="milestones"><h2>Milestones</h2><ul>\
            \(items.map { #"<li class="milestone" data-checked="\#($0.checked)">\#($0.checked ? "☑" : "☐") \#(HTML.cell($0.text).replacingOccurrences(of: "**", with: ""))</li>"# }.joined())\
            </ul></section>
            """
    }

    var reflections: String {
        guard !snapshot.reflections.isEmpty else { return "" }
        let months = snapshot.reflections.map { reflection in
            let written = reflection.fields.filter { !$0.value.isEmpty }
            let body =
                written.isEmpty
                ? #"<p class="muted">Not written yet.</p>"#
                : "<dl>" + written.map { "<dt>\(HTML.escape($0.label))</dt><dd>\(HTML.cell($0.value))</dd>" }.joined() + "</dl>"
            return """
                <details class="reflection" data-month="\(reflection.month)"\(written.isEmpty ? "" : " open")>\
                <summary>Month \(reflection.month)</summary>\(body)</details>
                """
        }
        return "<section id=\"reflections\"><h2>Monthly reflections</h2>\n\(months.joined(separator: "\n"))\n</section>"
    }
}
