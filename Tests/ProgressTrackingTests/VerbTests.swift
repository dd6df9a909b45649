import Foundation
import ProgressTracking
import Testing

@Suite struct VerbTests {
    let day1 = Fixture.date("2025-11-20")
    let day2 = Fixture.date("2025-12-03")

    @Test("start 1 changes exactly its row, Current Status and Last Updated")
    func start() throws {
        let document = try Fixture.document()
        let started = try document.start(Fixture.project(1), on: day1)
        let changes = Fixture.changedLines(document.text, started.text)
        #expect(changes.map(\.line) == [5, 23, 309])
        #expect(
            changes.map(\.new) == [
                "**Current Status**: In Progress",
                "| 01 | Distributed Rate Limiter | 🟡 | 2025-11-20 | - | |",
                "**Last Updated**: 2025-11-20",
            ]
        )
        Fixture.expectError(.invalidTransition) { try started.start(Fixture.project(1), on: day2) }
    }

    @Test("complete: ✅, end date, war story, repository, skills, and the derived figures")
    func complete() throws {
        let document = try Fixture.document().start(Fixture.project(4), on: day1)
        let done = try document.complete(
            Fixture.project(4),
            on: day2,
            story: "Cache stampede\nat 3am | fixed",
            repository: "https://github.com/me/cache",
            skills: ["caching strategies", "Connection pooling"]
        )
        let changes = Fixture.changedLines(document.text, Self.withoutInserted(done.text))
        #expect(
            changes.map(\.new) == [
                "## Overall Progress: 1/40 Projects Complete (3%)",  // 2.5 rounds half up
                "| 04 | API Cache Layer | ✅ | 2025-11-20 | 2025-12-03 | |",
                "**Q1 Progress**: 1/4 Complete",
                "- [x] Caching strategies (multi-tier, invalidation)",
                "- [x] Connection pooling & resource management",
                "**Last Updated**: 2025-12-03",
            ]
        )
        let inserted = Fixture.insertedLines(Self.withoutInserted(done.text), done.text)
        #expect(inserted.count == 4)  // each item with a blank line before it
        #expect(
            inserted.filter { !$0.isEmpty } == [
                "- **04 API Cache Layer** (2025-12-03): Cache stampede at 3am | fixed",
                "- **04 API Cache Layer** (2025-12-03): <https://github.com/me/cache>",
            ]
        )
        #expect(done.text.contains("*Track your war stories here as you complete projects*\n\n- **04 API Cache"))
        #expect(done.text.contains("*Links to your deployed projects*\n\n- **04"))
        // A second story goes right after the first.
        let again = try done.start(Fixture.project(1), on: day2).complete(Fixture.project(1), on: day2, story: "Two")
        #expect(again.text.contains("fixed\n- **01 Distributed Rate Limiter** (2025-12-03): Two\n\n---"))
        #expect(try again.snapshot().warStories.count == 2)
    }

    /// The text with the lines added by `complete` removed, to diff the rest line by line.
    static func withoutInserted(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let index = lines.firstIndex(where: { $0.hasPrefix("- **04 API Cache Layer**") }) {
            lines.remove(at: index)
            lines.remove(at: index - 1)
        }
        return lines.joined(separator: "\n")
    }

    @Test("complete refuses a never-started project unless forced, and an end before the start")
    func completeRules() throws {
        let document = try Fixture.document()
        let error = Fixture.expectError(.invalidTransition) { try document.complete(Fixture.project(2), on: day1) }
        #expect(error?.line == 24)
        let forced = try document.complete(Fixture.project(2), on: day1, force: true)
        #expect(forced.text.contains("| 02 | Job Queue with DLQ | ✅ | 2025-11-20 | 2025-11-20 | |"))
        let textStart = try ProgressDocument(
            text: document.text.replacingOccurrences(
                of: "| 06 | Event Sourcing & CQRS | ‚¨ú | - |",
                with: "| 06 | Event Sourcing & CQRS | ‚¨ú | soon |"
            )
        ).complete(Fixture.project(6), on: day1, force: true)
        #expect(textStart.text.contains("| 06 | Event Sourcing & CQRS | ✅ | soon | 2025-11-20 | |"))
        let started = try document.start(Fixture.project(2), on: day2)
        Fixture.expectError(.invalidArgument) { try started.complete(Fixture.project(2), on: day1) }
        Fixture.expectError(.invalidArgument) {
            try started.complete(Fixture.project(2), on: day2, repository: "github.com/x")
        }
        Fixture.expectError(.invalidArgument) {
            try started.complete(Fixture.project(2), on: day2, repository: "ftp://h/x")
        }
        Fixture.expectError(.noMatch) { try started.complete(Fixture.project(2), on: day2, skills: ["juggling"]) }
        Fixture.expectError(.ambiguousMatch) {
            try started.complete(Fixture.project(2), on: day2, skills: ["strategies"])
        }
        Fixture.expectError(.invalidTransition) { try forced.complete(Fixture.project(2), on: day2) }
        Fixture.expectError(.unknownProject) { try document.start(Fixture.project(41), on: day1) }
    }

    @Test("skip and reopen; skipped projects are not complete; all completed or skipped is Completed")
    func skipAndReopen() throws {
        let document = try Fixture.document()
        let skipped = try document.skip(Fixture.project(3), on: day1)
        #expect(skipped.text.contains("| 03 | DB Connection Pool Monitor | ⏭️ | - | - | |"))
        #expect(skipped.text.contains("## Overall Progress: 0/40 Projects Complete (0%)"))
        #expect(try skipped.snapshot().totals.skipped == 1)
        Fixture.expectError(.invalidTransition) { try skipped.skip(Fixture.project(3), on: day1) }
        let reopened = try skipped.reopen(Fixture.project(3), on: day2)
        #expect(reopened.text.contains("| 03 | DB Connection Pool Monitor | ⬜ | - | - | |"))
        let done = try document.start(Fixture.project(3), on: day1).complete(Fixture.project(3), on: day2)
        let back = try done.reopen(Fixture.project(3), on: day2)
        #expect(back.text.contains("| 03 | DB Connection Pool Monitor | 🟡 | 2025-11-20 | - | |"))
        #expect(back.text.contains("**Q1 Progress**: 0/4 Complete"))
        Fixture.expectError(.invalidTransition) { try back.reopen(Fixture.project(3), on: day2) }

        var all = document
        for number in 1...40 {
            all =
                number % 2 == 0
                ? try all.skip(Fixture.project(number), on: day2)
                : try all.complete(Fixture.project(number), on: day2, force: true)
        }
        #expect(all.text.contains("**Current Status**: Completed"))
        #expect(all.text.contains("## Overall Progress: 20/40 Projects Complete (50%)"))
        #expect(all.text.contains("**Bonus Progress**: 11/23 Complete"))
        #expect(all.text.contains("**Q4 Progress**: 3/5 Complete"))
    }

    @Test("note escapes pipes and line breaks so the table stays a table")
    func note() throws {
        let document = try Fixture.document()
        let noted = try document.note(Fixture.project(5), "uses a | b\nand c", on: day1)
        #expect(noted.text.contains("| 05 | WebSocket Chat | ‚¨ú | - | - | uses a \\| b<br>and c |"))
        #expect(try noted.snapshot().project(Fixture.project(5))?.notes == "uses a \\| b<br>and c")
        #expect(try noted.snapshot().totals.total == 40)
        let changes = Fixture.changedLines(document.text, noted.text)
        #expect(changes.map(\.line) == [36, 309])
    }

    @Test("check and uncheck by unique case-insensitive substring, listing candidates otherwise")
    func checklists() throws {
        let document = try Fixture.document()
        let checked = try document.check("LOGGING STRATEGIES", on: day1)
        #expect(
            Fixture.changedLines(document.text, checked.text).map(\.new) == [
                "- [x] Logging strategies", "**Last Updated**: 2025-11-20",
            ]
        )
        let milestone = try checked.check("month 3", on: day1)
        #expect(milestone.text.contains("- [x] **Month 3**: Can discuss distributed systems"))
        let unchecked = try milestone.uncheck("logging strat", on: day2)
        #expect(unchecked.text.contains("- [ ] Logging strategies"))
        let error = Fixture.expectError(.ambiguousMatch) { try document.check("can design", on: day1) }
        #expect(error?.message.contains("line 196: Can design scalable APIs (1M+ users)") == true)
        Fixture.expectError(.noMatch) { try document.check("basket weaving", on: day1) }
        Fixture.expectError(.invalidArgument) { try document.check("  ", on: day1) }
    }

    @Test("reflect writes a month's fields; month 12 has Achievements; months outside 1–12 are refused")
    func reflect() throws {
        let document = try Fixture.document()
        let march = try document.reflect(
            month: 3,
            [.keyLearnings: "Backpressure\nmatters", .nextMonthFocus: "Events"],
            on: day1
        )
        #expect(
            Fixture.changedLines(document.text, march.text).map(\.new) == [
                "- **Key Learnings**: Backpressure matters", "- **Next Month Focus**: Events",
                "**Last Updated**: 2025-11-20",
            ]
        )
        let december = try document.reflect(month: 12, [.achievements: "Shipped 17"], on: day1)
        #expect(december.text.contains("- **Achievements**: Shipped 17\n"))
        #expect(try december.snapshot().reflections[11].fields.last?.value == "Shipped 17")
        Fixture.expectError(.invalidArgument) { try document.reflect(month: 12, [.nextMonthFocus: "x"], on: day1) }
        Fixture.expectError(.invalidArgument) { try document.reflect(month: 1, [.achievements: "x"], on: day1) }
        Fixture.expectError(.invalidArgument) { try document.reflect(month: 13, [.keyLearnings: "x"], on: day1) }
        Fixture.expectError(.invalidArgument) { try document.reflect(month: 0, [.keyLearnings: "x"], on: day1) }
        Fixture.expectError(.invalidArgument) { try document.reflect(month: 2, [:], on: day1) }
        // A missing month is created inside the section.
        let trimmed = try ProgressDocument(
            text: document.text.replacingOccurrences(
                of:
                    "### Month 12\n- **Projects Completed**:\n- **Key Learnings**:\n- **Challenges Faced**:\n- **Achievements**:\n",
                with: ""
            )
        )
        let recreated = try trimmed.reflect(month: 12, [.keyLearnings: "k"], on: day1)
        #expect(
            recreated.text.contains(
                "- **Next Month Focus**:\n\n### Month 12\n- **Projects Completed**:\n- **Key Learnings**: k\n"
            )
        )
    }

    @Test("blog posts and insights are list items with the date; the placeholder stays; missing sections are created")
    func entries() throws {
        let document = try Fixture.document()
        let blog = try document.addBlogPost(
            title: "Token buckets [explained]",
            url: "https://blog.example.com/buckets",
            project: Fixture.project(1),
            on: day1
        )
        #expect(
            blog.text.contains(
                "*Track technical blog posts explaining your learnings*\n\n"
                    + "- [Token buckets \\[explained\\]](https://blog.example.com/buckets) (2025-11-20) — 01 Distributed Rate Limiter\n\n---"
            )
        )
        #expect(try blog.snapshot().blogPosts.count == 1)
        Fixture.expectError(.invalidArgument) { try document.addBlogPost(title: "t", url: "not a url", on: day1) }
        Fixture.expectError(.invalidArgument) { try document.addBlogPost(title: " ", url: "https://x.io", on: day1) }
        Fixture.expectError(.unknownProject) {
            try document.addBlogPost(title: "t", url: "https://x.io", project: Fixture.project(77), on: day1)
        }
        let insight = try document.addInsight("Measure | then cut", on: day1)
        #expect(insight.text.contains("as you progress*\n\n- **2025-11-20**: Measure | then cut\n\n---"))
        Fixture.expectError(.invalidArgument) { try document.addInsight("", on: day1) }
        let noBlog = try ProgressDocument(
            text: document.text.replacingOccurrences(
                of: "## Blog Posts Written\n\n*Track technical blog posts explaining your learnings*\n\n---\n\n",
                with: ""
            )
        )
        let created = try noBlog.addBlogPost(title: "T", url: "http://x.io/a", on: day1)
        #expect(
            created.text.hasSuffix(
                "**Last Updated**: 2025-11-20\n\n## Blog Posts Written\n\n- [T](http://x.io/a) (2025-11-20)\n"
            )
        )
    }

    @Test("invalid input leaves the document unchanged (a verb is never partly applied)")
    func nothingPartial() throws {
        let document = try Fixture.document().start(Fixture.project(1), on: day1)
        let before = document.data
        // The skill fails after the row, the story and the repository were prepared: nothing may survive.
        Fixture.expectError(.noMatch) {
            try document.complete(
                Fixture.project(1),
                on: day2,
                story: "s",
                repository: "https://x.io",
                skills: ["nope"]
            )
        }
        #expect(document.data == before)
    }
}
