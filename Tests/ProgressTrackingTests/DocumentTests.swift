import Foundation
import ProgressTracking
import Testing

@Suite struct DocumentTests {
    @Test("the seed read and written back is byte-identical")
    func seedRoundTrip() throws {
        let document = try Fixture.document()
        #expect([UInt8](document.data) == Fixture.seed)
    }

    @Test("CRLF, LF-mixed endings, a BOM and a missing final newline survive byte for byte")
    func lineEndingsAndBOM() throws {
        let crlf = Fixture.seedText.replacingOccurrences(of: "\n", with: "\r\n")
        var variants: [[UInt8]] = [
            Array(crlf.utf8),
            [0xEF, 0xBB, 0xBF] + Fixture.seed,
            Array(Fixture.seed.dropLast()),  // no final newline
            [0xEF, 0xBB, 0xBF] + Array(crlf.utf8.dropLast(2)),
        ]
        // Mixed: every third line CRLF.
        let mixed = Fixture.seedText.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset % 3 == 0 ? $0.element + "\r" : String($0.element) }.joined(separator: "\n")
        variants.append(Array(mixed.utf8))
        for bytes in variants {
            #expect([UInt8](try ProgressDocument(data: bytes).data) == bytes)
        }
    }

    @Test("a CRLF file with a BOM keeps CRLF and its BOM after a verb; new lines take CRLF")
    func crlfAfterVerbs() throws {
        let crlf = [0xEF, 0xBB, 0xBF] + Array(Fixture.seedText.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let document = try ProgressDocument(data: crlf)
            .start(Fixture.project(1), on: Fixture.date("2025-11-20"))
            .complete(Fixture.project(1), on: Fixture.date("2025-12-01"), story: "It held under load")
        let bytes = [UInt8](document.data)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("| 01 | Distributed Rate Limiter | ✅ | 2025-11-20 | 2025-12-01 | |\r\n"))
        #expect(text.contains("- **01 Distributed Rate Limiter** (2025-12-01): It held under load\r\n"))
    }

    @Test("a file without a final newline gains none when a section is appended")
    func noFinalNewline() throws {
        let bytes = Array(Fixture.seed.dropLast())
        let text = Fixture.seedText.replacingOccurrences(of: "## Notes & Insights", with: "## Other")
        let document = try ProgressDocument(data: Array(text.utf8.dropLast()))
            .addInsight("Measure first", on: Fixture.date("2025-11-20"))
        #expect(!document.text.hasSuffix("\n"))
        #expect(document.text.hasSuffix("## Notes & Insights\n\n- **2025-11-20**: Measure first"))
        #expect(try ProgressDocument(data: bytes).data.last != 0x0A)
    }

    @Test("the seed's structure is understood: 40 projects in five sections, with names, checklists, reflections")
    func snapshot() throws {
        let snapshot = try Fixture.document().snapshot()
        #expect(snapshot.totals.total == 40)
        #expect(snapshot.sections.map(\.projects.count) == [4, 4, 4, 5, 23])
        #expect(snapshot.sections.map(\.quarter) == [1, 2, 3, 4, nil])
        #expect(snapshot.sections.map(\.isBonus) == [false, false, false, false, true])
        #expect(snapshot.projects.allSatisfy { $0.status == .notStarted })
        #expect(snapshot.project(Fixture.project(17))?.name == "Custom ORM")
        #expect(snapshot.project(Fixture.project(40))?.name == "Load Testing Suite")
        #expect(snapshot.startDate == Fixture.date("2025-11-18"))
        #expect(snapshot.targetDate == Fixture.date("2026-11-18"))
        #expect(snapshot.lastUpdated == Fixture.date("2025-11-18"))
        #expect(snapshot.currentStatus == "Not Started")
        #expect(snapshot.checklist.count == 49)
        #expect(snapshot.checklist.first { $0.text == "Logging strategies" }?.group == "Observability & Operations")
        #expect(snapshot.reflections.count == 12)
        #expect(snapshot.reflections[11].fields.map(\.label).last == "Achievements")
        #expect(snapshot.reflections[0].fields.map(\.label).last == "Next Month Focus")
        let json = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(ProgressSnapshot.self, from: json) == snapshot)
    }

    @Test("tolerant structure: reordered columns, extra columns and rows, renamed sections")
    func tolerantTables() throws {
        let text = """
            # Mine

            **Start Date**: 2025-01-01
            **Current Status**: Not Started

            ## Overall Progress: 0/3 Projects Complete (0%)

            ## The Q1 stretch

            Some prose | with a pipe.

            | # | End | Extra | Status | Project | Start | Notes |
            |:--|-----|-------|:------:|---------|-------|-------|
            | 1 | - | x | ⬜ | Alpha | - | |
            | -- | a separator row | | | | | |
            | 02 | - | y | ⬜ | Beta | - | keep |

            **Q1 Progress**: 0/2 Complete

            ## Bonus round

            | # | Project | Status | Start Date | End Date |
            |---|---|---|---|---|
            | 03 | Gamma | ⏭ | - | - |

            **Last Updated**: 2025-01-01
            """
        let document = try ProgressDocument(text: text)
        let snapshot = try document.snapshot()
        #expect(snapshot.projects.map(\.name) == ["Alpha", "Beta", "Gamma"])
        #expect(snapshot.projects.map(\.status) == [.notStarted, .notStarted, .skipped])
        let started = try document.start(Fixture.project(1), on: Fixture.date("2025-01-05"))
        let changes = Fixture.changedLines(document.text, started.text)
        #expect(
            changes.map(\.new) == [
                "**Current Status**: In Progress",
                "| 1 | - | x | 🟡 | Alpha | 2025-01-05 | |",
                "**Last Updated**: 2025-01-05",
            ]
        )
        let done = try started.complete(Fixture.project(1), on: Fixture.date("2025-01-09"))
        #expect(done.text.contains("## Overall Progress: 1/3 Projects Complete (33%)"))
        #expect(done.text.contains("**Q1 Progress**: 1/2 Complete"))
        #expect(done.text.contains("| 1 | 2025-01-09 | x | ✅ | Alpha | 2025-01-05 | |"))
    }

    @Test("a file without a project table is refused with a clear error")
    func noTable() throws {
        let error = Fixture.expectError(.invalidDocument) { try ProgressDocument(text: "# Notes\n\nNothing here.\n") }
        #expect(error?.message.contains("no project table") == true)
        let badStatus = Fixture.seedText.replacingOccurrences(
            of: "| 03 | DB Connection Pool Monitor | ‚¨ú |",
            with: "| 03 | DB Connection Pool Monitor | maybe |"
        )
        let statusError = Fixture.expectError(.invalidDocument) { try ProgressDocument(text: badStatus) }
        #expect(statusError?.line == 25)
        let duplicate = Fixture.seedText.replacingOccurrences(of: "| 04 | API", with: "| 03 | API")
        #expect(Fixture.expectError(.invalidDocument) { try ProgressDocument(text: duplicate) }?.line == 26)
        Fixture.expectError(.invalidDocument) { try ProgressDocument(data: [0x7C, 0xFF, 0x0A]) }
    }

    @Test("status glyphs: proper UTF-8, ⏭ without selector, Mac Roman and Windows-1252 mojibake, names")
    func glyphs() {
        let cases: [(String, ProjectStatus)] = [
            ("⬜", .notStarted), ("🟡", .inProgress), ("✅", .completed), ("⏭️", .skipped), ("⏭", .skipped),
            ("‚¨ú", .notStarted), ("\u{F8FF}üü°", .inProgress), ("‚úÖ", .completed), ("‚è≠Ô∏è", .skipped),
            ("â¬œ", .notStarted), ("âœ…", .completed), ("ðŸŸ¡", .inProgress), ("â\u{AD}ï¸", .skipped),
            ("â\u{8F}\u{AD}ï¸\u{8F}", .skipped), ("", .notStarted), ("Done", .completed),
            (" In Progress ", .inProgress),
        ]
        for (cell, status) in cases {
            #expect(ProjectStatus(cell: cell) == status, "\(cell)")
        }
        #expect(ProjectStatus(cell: "?") == nil)
        #expect(ProjectStatus.skipped.glyph.unicodeScalars.map(\.value) == [0x23ED, 0xFE0F])
    }

    @Test("Windows-1252 mojibake is read, and a rewritten cell gets proper UTF-8")
    func windows1252() throws {
        let text = Fixture.seedText.replacingOccurrences(of: "‚¨ú", with: "â¬œ")
            .replacingOccurrences(of: "| 02 | Job Queue with DLQ | â¬œ |", with: "| 02 | Job Queue with DLQ | ðŸŸ¡ |")
            .replacingOccurrences(
                of: "| 03 | DB Connection Pool Monitor | â¬œ |",
                with: "| 03 | DB Connection Pool Monitor | âœ… |"
            )
        let document = try ProgressDocument(text: text)
        #expect([UInt8](document.data) == Array(text.utf8))
        let snapshot = try document.snapshot()
        #expect(snapshot.projects.prefix(3).map(\.status) == [.notStarted, .inProgress, .completed])
        let started = try document.start(Fixture.project(1), on: Fixture.date("2025-11-20"))
        let changes = Fixture.changedLines(document.text, started.text)
        #expect(changes.contains { $0.new == "| 01 | Distributed Rate Limiter | 🟡 | 2025-11-20 | - | |" })
        #expect(started.text.contains("| 04 | API Cache Layer | â¬œ |"))  // untouched rows keep their bytes
    }

    @Test("repair fixes mojibake everywhere and changes nothing else")
    func repair() throws {
        let document = try Fixture.document()
        #expect(document.needsRepair)
        let repaired = document.repaired()
        #expect(!repaired.needsRepair)
        let changes = Fixture.changedLines(document.text, repaired.text)
        #expect(changes.count == 40 + 4 + 2)  // rows, legend, Quick Update Commands
        #expect(changes.contains { $0.new == "- ⏭️ Skipped" })
        #expect(changes.contains { $0.new == "1. Change status from 🟡 to ✅" })
        for change in changes {
            let expected = change.old.replacingOccurrences(of: "‚¨ú", with: "⬜")
                .replacingOccurrences(of: "\u{F8FF}üü°", with: "🟡").replacingOccurrences(of: "‚úÖ", with: "✅")
                .replacingOccurrences(of: "‚è≠Ô∏è", with: "⏭️")
            #expect(change.new == expected)
        }
        #expect(!repaired.text.contains("‚"))
        let windows = try ProgressDocument(
            text: Fixture.seedText.replacingOccurrences(of: "‚¨ú", with: "â¬œ")
                .replacingOccurrences(of: "‚è≠Ô∏è", with: "â\u{AD}ï¸")
        )
        #expect(windows.repaired().text == repaired.text)
    }

    @Test("init: the seed's structure and projects in proper UTF-8, target twelve months later")
    func newDocument() throws {
        let document = ProgressDocument.new(startingOn: Fixture.date("2025-11-18"))
        #expect(document.text == (try Fixture.document()).repaired().text)
        let leap = ProgressDocument.new(startingOn: Fixture.date("2028-02-29"))
        let snapshot = try leap.snapshot()
        #expect(snapshot.startDate == Fixture.date("2028-02-29"))
        #expect(snapshot.targetDate == Fixture.date("2029-02-28"))
        #expect(snapshot.lastUpdated == Fixture.date("2028-02-29"))
        #expect(snapshot.totals.total == 40)
        #expect(!leap.needsRepair)
    }

    @Test("calendar dates parse strictly and add months by clamping")
    func calendarDates() throws {
        #expect(Fixture.date("2025-01-31").adding(months: 1) == Fixture.date("2025-02-28"))
        #expect(Fixture.date("2025-11-18").adding(months: 12) == Fixture.date("2026-11-18"))
        #expect(Fixture.date("2024-12-31").days(to: Fixture.date("2025-03-01")) == 60)
        for bad in ["2025-13-01", "2025-02-29", "25-01-01", "2025-1-01", "tomorrow", "2025-01-01x"] {
            Fixture.expectError(.invalidArgument) { try CalendarDate(parsing: bad) }
        }
        #expect(
            CalendarDate(Date(timeIntervalSince1970: 0), timeZone: TimeZone(identifier: "UTC")!).description
                == "1970-01-01"
        )
        #expect(try ProjectNumber(parsing: "1").description == "01")
        #expect(try ProjectNumber(parsing: "07") == Fixture.project(7))
        for bad in ["0", "x", "100", "-1", ""] {
            Fixture.expectError(.invalidArgument) { try ProjectNumber(parsing: bad) }
        }
    }
}
