import Foundation

extension ProgressPage {
    // The template's contexts. Mustache reads stored properties by name and, for a name a context lacks (or holds
    // `nil`), looks in the enclosing ones: names are therefore distinct across levels (`sectionTitle`, `barID`).

    /// The page.
    struct Context {
        var apiBase: String
        var heading: String
        var currentStatus: String
        var facts: [String]
        var pace: Pace?
        var overall: Bar
        var totals: ProgressSnapshot.Totals
        var chart: BurnUpChart.Drawing?
        var sections: [Section]
        var skills: Skills?
        var hasMilestones: Bool
        var milestones: [Milestone]
        var hasReflections: Bool
        var reflections: [Reflection]
    }

    /// The pace line.
    struct Pace {
        var monthsElapsed: String
        var completedCount: Int
        var planned: String
        var ahead: String

        init(_ pace: ProgressPace) {
            monthsElapsed = String(format: "%.1f", pace.monthsElapsed)
            completedCount = pace.completed
            planned = String(format: "%.1f", pace.planned)
            ahead =
                pace.projectsAhead == 0
                ? "on pace"
                : pace.projectsAhead > 0
                    ? "\(pace.projectsAhead) ahead of the plan" : "\(-pace.projectsAhead) behind the plan"
        }
    }

    /// A progress bar (`progress/bar`).
    struct Bar {
        var barID: String?
        var label: String
        var completed: Int
        var total: Int
        var percent: Int

        init(barID: String? = nil, label: String, completed: Int, total: Int) {
            self.barID = barID
            self.label = label
            self.completed = completed
            self.total = total
            percent = total == 0 ? 0 : (completed * 100 + total / 2) / total
        }
    }

    /// A `##` section of projects.
    struct Section {
        var index: Int
        var sectionTitle: String
        var sectionBar: Bar
        var cards: [Card]
    }

    /// A project card (`progress/card`).
    struct Card {
        struct System {
            var module: String
            var systemPagePath: String
            var systemAPIPath: String
        }
        struct Action {
            var action: String
            var title: String
        }
        var number: String
        var name: String
        var status: String
        var statusGlyph: String
        var statusLabel: String
        var dates: String
        var hasNotes: Bool
        var lines: [HTML.Line]
        var system: System?
        var hasActions: Bool
        var actions: [Action]
    }

    /// The skills matrix.
    struct Skills {
        struct Group {
            var group: String
            var items: [Item]
        }
        struct Item {
            var checked: Bool
            var text: String
        }
        var skillsBar: Bar
        var groups: [Group]
    }

    /// A milestone.
    struct Milestone {
        var checked: Bool
        var lines: [HTML.Line]
    }

    /// A month's reflection.
    struct Reflection {
        struct Field {
            var label: String
            var lines: [HTML.Line]
        }
        var month: Int
        var written: Bool
        var fields: [Field]
    }
}
