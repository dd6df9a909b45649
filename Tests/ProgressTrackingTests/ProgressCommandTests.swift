import Foundation
import Platform
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mastery progress …` as a real process, on a copy of the seed PROGRESS.md in a folder of its own per test.
@Suite("mastery progress as a process")
struct ProgressCommandTests {
    @Test("init creates a file from the template (today's date as Start Date) and refuses to overwrite it")
    func initRefusesOverwrite() async throws {
        let sandbox = try ProgressSandbox(seeded: false)
        let created = try await sandbox.run(["init", "--date", "2026-11-27"])
        #expect(created.status == .exited(0), "\(created.standardError)")
        #expect(created.standardOutput.hasPrefix("PROGRESS.md: created with 40 projects"))
        let text = try sandbox.text()
        #expect(text.contains("**Start Date**: 2026-11-27"))
        #expect(text.contains("**Target Completion**: 2027-11-27"))
        #expect(text.contains("| 01 | Distributed Rate Limiter | ⬜ | - | - | |"))

        let before = try sandbox.bytes()
        let again = try await sandbox.run(["init", "--date", "2027-01-01"])
        #expect(again.status == .exited(73))
        #expect(again.standardError.contains("exists already"))
        #expect(again.standardOutput.isEmpty)
        #expect(try sandbox.bytes() == before)
    }

    @Test("every verb changes the file as expected, dated with --date")
    func verbs() async throws {
        let sandbox = try ProgressSandbox()
        try await sandbox.expect(
            ["start", "1", "--date", "2025-11-20"],
            prints: "01 Distributed Rate Limiter: started 2025-11-20 (1 in progress, 0/40 complete)"
        )
        #expect(try sandbox.line(startingWith: "| 01 |") == "| 01 | Distributed Rate Limiter | 🟡 | 2025-11-20 | - | |")
        #expect(try sandbox.line(startingWith: "**Current Status**") == "**Current Status**: In Progress")
        #expect(try sandbox.line(startingWith: "**Last Updated**") == "**Last Updated**: 2025-11-20")

        try await sandbox.expect(
            [
                "complete", "01", "--date", "2025-12-10", "--story", "The 3am stampede",
                "--repo", "https://github.com/me/limiter", "--skill", "caching strategies",
            ],
            prints:
                "01 Distributed Rate Limiter: completed 2025-12-10; recorded war story, repository, 1 skill "
                + "(0 in progress, 1/40 complete)"
        )
        let text = try sandbox.text()
        #expect(text.contains("| 01 | Distributed Rate Limiter | ✅ | 2025-11-20 | 2025-12-10 | |"))
        #expect(text.contains("## Overall Progress: 1/40 Projects Complete (3%)"))
        #expect(text.contains("**Q1 Progress**: 1/4 Complete"))
        #expect(text.contains("The 3am stampede"))
        #expect(text.contains("https://github.com/me/limiter"))
        #expect(text.contains("- [x] Caching strategies (multi-tier, invalidation)"))

        try await sandbox.expect(
            ["skip", "2", "--date", "2025-12-11"],
            prints: "02 Job Queue with DLQ: skipped (0 in progress, 1/40 complete)"
        )
        #expect(try sandbox.line(startingWith: "| 02 |") == "| 02 | Job Queue with DLQ | ⏭️ | - | - | |")
        try await sandbox.expect(
            ["reopen", "2", "--date", "2025-12-12"],
            prints: "02 Job Queue with DLQ: reopened, now Not Started (0 in progress, 1/40 complete)"
        )
        #expect(try sandbox.line(startingWith: "| 02 |") == "| 02 | Job Queue with DLQ | ⬜ | - | - | |")
        try await sandbox.expect(
            ["reopen", "1", "--date", "2025-12-13"],
            prints: "01 Distributed Rate Limiter: reopened, now In Progress (1 in progress, 0/40 complete)"
        )
        #expect(try sandbox.line(startingWith: "| 01 |") == "| 01 | Distributed Rate Limiter | 🟡 | 2025-11-20 | - | |")

        try await sandbox.expect(
            ["note", "3", "pool | sizing", "--date", "2025-12-14"],
            prints: "03 DB Connection Pool Monitor: note written (1 in progress, 0/40 complete)"
        )
        #expect(
            try sandbox.line(startingWith: "| 03 |")
                == #"| 03 | DB Connection Pool Monitor | ‚¨ú | - | - | pool \| sizing |"#
        )

        try await sandbox.expect(
            ["check", "cap theorem"],
            prints: #""CAP theorem & distributed consensus" (Distributed Systems): checked"#
        )
        #expect(try sandbox.text().contains("- [x] CAP theorem & distributed consensus"))
        try await sandbox.expect(
            ["uncheck", "CAP THEOREM"],
            prints: #""CAP theorem & distributed consensus" (Distributed Systems): unchecked"#
        )
        #expect(try sandbox.text().contains("- [ ] CAP theorem & distributed consensus"))

        try await sandbox.expect(
            [
                "reflect", "--month", "1", "--learnings", "Lua scripts are atomic", "--next-focus", "Job queues",
                "--date", "2025-12-15",
            ],
            prints: "Month 1 reflection: wrote Key Learnings, Next Month Focus"
        )
        let reflection = try sandbox.text()
        #expect(reflection.contains("- **Key Learnings**: Lua scripts are atomic"))
        #expect(reflection.contains("- **Next Month Focus**: Job queues"))
        try await sandbox.expect(
            ["reflect", "--month", "12", "--achievements", "Shipped 17 systems"],
            prints: "Month 12 reflection: wrote Achievements"
        )
        #expect(try sandbox.text().contains("- **Achievements**: Shipped 17 systems"))

        try await sandbox.expect(
            [
                "blog", "add", "Rate limiting at scale", "https://blog.example.com/limits", "--project", "1", "--date",
                "2025-12-16",
            ],
            prints: "blog post added: Rate limiting at scale (1 listed)"
        )
        #expect(
            try sandbox.text().contains(
                "- [Rate limiting at scale](https://blog.example.com/limits) (2025-12-16) — 01 Distributed Rate Limiter"
            )
        )
        try await sandbox.expect(
            ["insight", "Measure before tuning", "--project", "03", "--date", "2025-12-17"],
            prints: "insight added (1 listed)"
        )
        #expect(try sandbox.text().contains("- **2025-12-17** (03 DB Connection Pool Monitor): Measure before tuning"))
        #expect(try sandbox.line(startingWith: "**Last Updated**") == "**Last Updated**: 2025-12-17")

        try await sandbox.expect(
            ["complete", "4", "--force", "--date", "2025-12-18"],
            prints: "04 API Cache Layer: completed 2025-12-18 (1 in progress, 1/40 complete)"
        )
        #expect(try sandbox.line(startingWith: "| 04 |") == "| 04 | API Cache Layer | ✅ | 2025-12-18 | 2025-12-18 | |")
    }

    @Test("without --date the day written is today in the local time zone (TZ)")
    func todayInLocalTimeZone() async throws {
        let sandbox = try ProgressSandbox()
        func today(in zone: String) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: zone)
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(from: Date())
        }
        // UTC+14 and UTC−11 are 25 hours apart: they never share a day, so UTC or a fixed zone fails one of them.
        for (project, zone) in [("1", "Pacific/Kiritimati"), ("2", "Pacific/Pago_Pago")] {
            let before = today(in: zone)
            let result = try await sandbox.run(["start", project], environment: ["TZ": zone])
            let after = today(in: zone)
            #expect(result.status == .exited(0), "\(result.standardError)")
            let row = try #require(try sandbox.line(startingWith: "| 0\(project) |"))
            #expect(row.contains("| 🟡 | \(before) |") || row.contains("| 🟡 | \(after) |"), "\(row) in \(zone)")
        }
    }

    @Test("repair fixes the seed's mojibake glyphs only once, leaving Last Updated alone")
    func repair() async throws {
        let sandbox = try ProgressSandbox()
        #expect(try sandbox.text().contains("‚¨ú"))
        try await sandbox.expect(["repair", "--date", "2030-01-01"], prints: "PROGRESS.md: status glyphs repaired")
        let text = try sandbox.text()
        #expect(!text.contains("‚¨ú") && !text.contains("üü°"))
        #expect(text.contains("| 01 | Distributed Rate Limiter | ⬜ | - | - | |"))
        #expect(text.contains("- 🟡 In Progress"))
        #expect(text.contains("**Last Updated**: 2025-11-18"))
        let repaired = try sandbox.bytes()
        try await sandbox.expect(["repair"], prints: "PROGRESS.md: nothing to repair")
        #expect(try sandbox.bytes() == repaired)
    }

    @Test("--file and MASTERY_PROGRESS_FILE choose the file; --file wins")
    func fileSelection() async throws {
        let sandbox = try ProgressSandbox()
        let elsewhere = try ProgressSandbox(seeded: false)  // a working directory without PROGRESS.md
        let path = sandbox.file.path

        let byFlag = try await elsewhere.run(["start", "1", "--file", path, "--date", "2025-11-20"])
        #expect(byFlag.status == .exited(0), "\(byFlag.standardError)")
        #expect(try sandbox.line(startingWith: "| 01 |")?.contains("🟡") == true)

        let byEnvironment = try await elsewhere.run(
            ["start", "2", "--date", "2025-11-21"],
            environment: ["MASTERY_PROGRESS_FILE": path]
        )
        #expect(byEnvironment.status == .exited(0), "\(byEnvironment.standardError)")
        #expect(try sandbox.line(startingWith: "| 02 |")?.contains("🟡") == true)

        let missing = elsewhere.directory.appendingPathComponent("missing.md").path
        let flagWins = try await elsewhere.run(
            ["start", "3", "--file", path],
            environment: ["MASTERY_PROGRESS_FILE": missing]
        )
        #expect(flagWins.status == .exited(0), "\(flagWins.standardError)")
        #expect(try sandbox.line(startingWith: "| 03 |")?.contains("🟡") == true)

        let noFile = try await elsewhere.run(["start", "4"], environment: ["MASTERY_PROGRESS_FILE": missing])
        #expect(noFile.status == .exited(66))
        #expect(
            noFile.standardError
                == "error: there is no progress file at \(missing) (`mastery progress init` creates one)\n"
        )
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test(
        "invalid input exits non-zero with one clear line and leaves the file byte-identical",
        arguments: [
            InvalidCase(["start", "41"], 65, "there is no project 41"),
            InvalidCase(["start", "abc"], 65, "is not a project number"),
            InvalidCase(["start", "1"], 65, "cannot be started"),
            InvalidCase(["complete", "1", "--date", "2025-11-19"], 65, "before its start date 2025-11-20"),
            InvalidCase(["complete", "2"], 65, "was never started"),
            InvalidCase(["complete", "1", "--repo", "not a url"], 65, "is not an http(s) URL"),
            InvalidCase(["complete", "1", "--skill", "underwater basket weaving"], 65, "no checklist item contains"),
            InvalidCase(["reopen", "3"], 65, "is not completed or skipped"),
            InvalidCase(["reflect", "--month", "13", "--learnings", "x"], 65, "month 13 is outside 1–12"),
            InvalidCase(["reflect", "--month", "12", "--next-focus", "x"], 65, "Next Month Focus"),
            InvalidCase(["start", "2", "--date", "2025-02-30"], 65, "is not a date of the calendar"),
            InvalidCase(["start", "2", "--date", "tomorrow"], 65, "is not a date written YYYY-MM-DD"),
            InvalidCase(["blog", "add", "Title", "ftp://example.com/post"], 65, "is not an http(s) URL"),
            InvalidCase(["blog", "add", "  ", "https://example.com/post"], 65, "title is empty"),
            InvalidCase(["insight", "x", "--project", "77"], 65, "there is no project 77"),
            InvalidCase(["check", "underwater basket weaving"], 65, "no checklist item contains"),
            InvalidCase(["check", "can design"], 65, "Can design scalable APIs (1M+ users)"),
            InvalidCase(["start", "2", "--file", "missing.md"], 66, "`mastery progress init` creates one"),
            InvalidCase(["show", "--file", "missing.md"], 66, "`mastery progress init` creates one"),
            InvalidCase(["init"], 73, "exists already"),
            InvalidCase(["reflect", "--month", "May", "--learnings", "x"], 64, "--month"),
            InvalidCase(["note", "1", "bell \u{07} here"], 65, "the note contains a control character (U+0007"),
            InvalidCase(["note", "1", "esc \u{1B}[2J"], 65, "the note contains a control character (U+001B"),
            InvalidCase(["insight", "a\u{2028}b"], 65, "the insight contains a line separator (U+2028"),
            InvalidCase(["complete", "1", "--story", "x\u{85}"], 65, "the war story contains a control character"),
            InvalidCase(["blog", "add", "T\u{7F}", "https://example.com/p"], 65, "control character (U+007F"),
            InvalidCase(["reflect", "--month", "1", "--learnings", "x\ry"], 65, "a carriage return not followed"),
        ]
    )
    func invalidInput(_ invalid: InvalidCase) async throws {
        let sandbox = try ProgressSandbox()
        try sandbox.replace(
            "| 01 | Distributed Rate Limiter | ‚¨ú | - | - | |",
            with: "| 01 | Distributed Rate Limiter | 🟡 | 2025-11-20 | - | |"
        )
        let before = try sandbox.bytes()
        let result = try await sandbox.run(invalid.arguments)
        #expect(result.status == .exited(invalid.status), "\(result.standardError)")
        #expect(result.standardError.contains(invalid.mention), "\(result.standardError)")
        if invalid.status != 64 {  // argument-parser's own usage errors print the usage too
            #expect(result.standardError.hasPrefix("error: ") && result.standardError.count { $0 == "\n" } == 1)
        }
        #expect(result.standardOutput.isEmpty)
        #expect(try sandbox.bytes() == before)
    }

    @Test("a file that cannot be understood is refused, naming the line, and left as it is")
    func unreadableFile() async throws {
        let sandbox = try ProgressSandbox()
        try sandbox.replace("| 07 | CDC Pipeline | ‚¨ú |", with: "| 07 | CDC Pipeline | maybe |")
        let before = try sandbox.bytes()
        for arguments in [["start", "1"], ["show"], ["repair"]] {
            let result = try await sandbox.run(arguments)
            #expect(result.status == .exited(65))
            #expect(
                result.standardError.hasPrefix("error: PROGRESS.md, line 38: project 07 has no recognisable status"),
                "\(result.standardError)"
            )
            #expect(try sandbox.bytes() == before)
        }
    }

    @Test("a read-only file (mode 0444) is refused with exit 74 naming the file, and left as it is")
    func readOnlyFile() async throws {
        let sandbox = try ProgressSandbox()
        #expect(chmod(sandbox.file.path, 0o444) == 0)
        let before = try sandbox.bytes()
        let result = try await sandbox.run(["start", "1"])
        #expect(result.status == .exited(74), "\(result.standardError)")
        #expect(result.standardError.hasPrefix("error: "), "\(result.standardError)")
        #expect(
            result.standardError.contains("PROGRESS.md: the progress file is read-only (mode 444"),
            "\(result.standardError)"
        )
        #expect(try sandbox.bytes() == before)
    }

    @Test(
        "run as another user: a file it may not write, or whose owner it cannot keep, is refused (exit 74), not replaced through a writable folder",
        .enabled(
            if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
            "needs root and setpriv(1), to run the command as nobody"
        )
    )
    func otherUser() async throws {
        for (mode, mention) in [
            (0o644 as mode_t, "the progress file is not writable by this process"),
            (0o666 as mode_t, "cannot keep the progress file's owner (uid 0, gid 0)"),
        ] {
            let sandbox = try ProgressSandbox()
            #expect(chmod(sandbox.directory.path, 0o777) == 0)  // a folder anyone may write in
            #expect(chmod(sandbox.file.path, mode) == 0)
            let before = try sandbox.bytes()
            let process = try ChildProcess(
                executable: "/usr/bin/setpriv",
                arguments: [
                    "--reuid=65534", "--regid=65534", "--clear-groups", try TestServers.masteryExecutable(),
                    "progress", "start", "1", "--file", sandbox.file.path,
                ]
            )
            #expect(
                try await process.waitForExit(timeout: .seconds(60)) == .exited(74),
                "\(process.readStandardError())"
            )
            #expect(process.readStandardError().contains(mention), "\(process.readStandardError())")
            #expect(try sandbox.bytes() == before)
            let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.file.path)
            #expect((attributes[.ownerAccountID] as? NSNumber)?.intValue == 0)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == Int(mode))
        }
    }

    @Test("a symbolic link is written through: its target changes and the link stays a link")
    func symlinkedFile() async throws {
        let sandbox = try ProgressSandbox()
        let target = sandbox.directory.appendingPathComponent("plan.md")
        try FileManager.default.moveItem(at: sandbox.file, to: target)
        try FileManager.default.createSymbolicLink(atPath: sandbox.file.path, withDestinationPath: "plan.md")
        try await sandbox.expect(["start", "1", "--date", "2025-11-20"], prints: nil)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: sandbox.file.path) == "plan.md")
        #expect(
            try String(contentsOf: target, encoding: .utf8).contains(
                "| 01 | Distributed Rate Limiter | 🟡 | 2025-11-20 |"
            )
        )
    }

    @Test("two processes updating at once both land, round after round")
    func concurrentUpdates() async throws {
        let sandbox = try ProgressSandbox()
        for round in 0..<5 {
            let first = try sandbox.launch(["start", String(2 * round + 1)])
            let second = try sandbox.launch(["start", String(2 * round + 2)])
            #expect(try await first.waitForExit(timeout: .seconds(60)) == .exited(0), "\(first.readStandardError())")
            #expect(try await second.waitForExit(timeout: .seconds(60)) == .exited(0), "\(second.readStandardError())")
        }
        for number in 1...10 {
            let row = try #require(try sandbox.line(startingWith: String(format: "| %02d |", number)))
            #expect(row.contains("🟡"), "\(row)")
        }
        #expect(try sandbox.line(startingWith: "| 11 |")?.contains("🟡") == false)
        let json = try await sandbox.showJSON()
        let totals = try #require((json["snapshot"] as? [String: Any])?["totals"] as? [String: Any])
        #expect(totals["inProgress"] as? Int == 10)
    }

    @Test("show prints bars, what is in progress and next, and the pace, without escape codes off a terminal")
    func showPlain() async throws {
        let sandbox = try ProgressSandbox()
        try await sandbox.expect(["start", "1", "--date", "2025-11-20"], prints: nil)
        let result = try await sandbox.run(["show", "--date", "2026-01-18"])
        #expect(result.status == .exited(0), "\(result.standardError)")
        let output = result.standardOutput
        #expect(!output.contains("\u{1B}"))
        #expect(output.hasPrefix("Backend Engineering Mastery - Progress Tracker\n"))
        #expect(output.contains("started 2025-11-18 · target 2026-11-18 · In Progress · last updated 2025-11-20"))
        #expect(output.contains("Overall"))
        #expect(output.contains("░░░░   0/40   0%\n"))
        #expect(output.contains("Q1: Foundations & Scalability (Months 1-3)        ░░░░"))
        #expect(output.contains("Q4: Advanced Systems & Leadership (Months 10-12)"))
        #expect(output.contains("  01 Distributed Rate Limiter (since 2025-11-20, 59 days)"))
        #expect(
            output.contains("Next\n  02 Job Queue with DLQ\n  03 DB Connection Pool Monitor\n  04 API Cache Layer\n")
        )
        // Two months in, the plan expects 2.7 of Q1's 4 projects: 0 done is 2 behind.
        #expect(
            output.hasSuffix(
                "Pace: month 2.0 of 12 (2026-01-18): the plan expects 2.7 complete, 0 done: 2 projects behind the plan\n"
            )
        )

        let colored = try await sandbox.run(["show", "--color", "always", "--date", "2026-01-18"])
        #expect(colored.standardOutput.contains("\u{1B}[31m2 projects behind the plan\u{1B}[0m"))
        let never = try await sandbox.run(["show", "--color", "never", "--date", "2026-01-18"])
        #expect(never.standardOutput == output)
    }

    @Test("show colours a terminal's output unless NO_COLOR is set")
    func showOnTerminal() async throws {
        let sandbox = try ProgressSandbox()
        let command = "'\(try TestServers.masteryExecutable())' progress show --file '\(sandbox.file.path)'"
        for noColor in [false, true] {
            var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm"]
            if noColor { environment["NO_COLOR"] = "1" }
            // script(1) runs the command on a pseudo-terminal.
            let process = try ChildProcess(
                executable: "script",
                arguments: ["-qec", command, "/dev/null"],
                environment: environment,
                inheritsEnvironment: false
            )
            #expect(try await process.waitForExit(timeout: .seconds(60)) == .exited(0))
            let output = process.readStandardOutput()
            #expect(output.contains("Overall"), "\(output)")
            #expect(output.contains("\u{1B}[") == !noColor, "NO_COLOR=\(noColor)")
        }
    }

    @Test("without a Start Date show still lists the projects, and the pace is unknown (null in JSON)")
    func showWithoutStartDate() async throws {
        let sandbox = try ProgressSandbox()
        try sandbox.replace("**Start Date**: 2025-11-18\n", with: "")
        let plain = try await sandbox.run(["show", "--date", "2026-01-18"])
        #expect(plain.status == .exited(0), "\(plain.standardError)")
        #expect(plain.standardOutput.contains("Next\n  01 Distributed Rate Limiter\n"))
        #expect(plain.standardOutput.hasSuffix("Pace: unknown, the file has no Start Date\n"))
        let json = try await sandbox.showJSON()
        #expect(json["pace"] is NSNull)
        #expect(json["snapshot"] is [String: Any])
    }

    @Test("show --json prints the snapshot and the pace as one JSON object with ISO dates")
    func showJSON() async throws {
        let sandbox = try ProgressSandbox()
        try await sandbox.expect(["start", "1", "--date", "2025-11-20"], prints: nil)
        try await sandbox.expect(["complete", "1", "--date", "2025-12-01"], prints: nil)
        let json = try await sandbox.showJSON(date: "2026-02-18")
        #expect(Set(json.keys) == ["snapshot", "pace"])
        let snapshot = try #require(json["snapshot"] as? [String: Any])
        let pace = try #require(json["pace"] as? [String: Any])
        #expect(snapshot["startDate"] as? String == "2025-11-18")
        #expect(snapshot["lastUpdated"] as? String == "2025-12-01")
        let totals = try #require(snapshot["totals"] as? [String: Any])
        #expect(
            totals["total"] as? Int == 40 && totals["completed"] as? Int == 1 && totals["percentComplete"] as? Int == 3
        )
        let sections = try #require(snapshot["sections"] as? [[String: Any]])
        #expect(sections.count == 5)
        let first = try #require((sections.first?["projects"] as? [[String: Any]])?.first)
        #expect(first["number"] as? String == "01")
        #expect(first["status"] as? String == "completed")
        #expect(first["endDate"] as? String == "2025-12-01")
        #expect(pace["date"] as? String == "2026-02-18")
        #expect(pace["completed"] as? Int == 1)
        #expect(pace["projectsAhead"] as? Int == -3)  // 3 months: all 4 of Q1 planned
        #expect((pace["next"] as? [[String: Any]])?.first?["number"] as? String == "02")
    }
}

/// One refused invocation: its arguments, exit status and a part of its message.
struct InvalidCase: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var status: Int32
    var mention: String
    init(_ arguments: [String], _ status: Int32, _ mention: String) {
        self.arguments = arguments
        self.status = status
        self.mention = mention
    }
    var testDescription: String { arguments.joined(separator: " ") }
}

/// A temporary folder holding a PROGRESS.md (a copy of the seed unless `seeded` is false), where `mastery progress`
/// runs; removed when the sandbox goes away.
final class ProgressSandbox {
    let directory: URL
    var file: URL { directory.appendingPathComponent("PROGRESS.md") }

    typealias Result = MasteryCommand.Result

    init(seeded: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if seeded {
            let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("ProgressTrackingTests/Fixtures/PROGRESS.md")
            try FileManager.default.copyItem(at: seed, to: file)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Starts `mastery progress <arguments>` in the sandbox (without MASTERY_PROGRESS_FILE or NO_COLOR from the
    /// runner, unless `environment` sets them).
    func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try MasteryCommand.launch(
            ["progress"] + arguments,
            in: directory,
            unsetting: ["MASTERY_PROGRESS_FILE"],
            environment: environment
        )
    }

    /// Runs `mastery progress <arguments>` to its end.
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await MasteryCommand.run(
            ["progress"] + arguments,
            in: directory,
            unsetting: ["MASTERY_PROGRESS_FILE"],
            environment: environment
        )
    }

    /// Runs a verb expected to succeed, printing exactly `line` (when given).
    func expect(
        _ arguments: [String],
        prints line: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let result = try await run(arguments)
        #expect(result.status == .exited(0), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.isEmpty, sourceLocation: sourceLocation)
        if let line { #expect(result.standardOutput == line + "\n", sourceLocation: sourceLocation) }
    }

    /// `show --json`, parsed.
    func showJSON(date: String? = nil) async throws -> [String: Any] {
        let result = try await run(["show", "--json"] + (date.map { ["--date", $0] } ?? []))
        #expect(result.status == .exited(0), "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        return try #require(object as? [String: Any])
    }

    func bytes() throws -> Data { try Data(contentsOf: file) }

    func text() throws -> String { String(decoding: try bytes(), as: UTF8.self) }

    /// The first line of the file starting with `prefix`.
    func line(startingWith prefix: String) throws -> String? {
        try text().split(separator: "\n", omittingEmptySubsequences: false).first { $0.hasPrefix(prefix) }.map(
            String.init
        )
    }

    /// Replaces text in the file (which must contain it).
    func replace(_ old: String, with new: String) throws {
        let text = try text()
        #expect(text.contains(old), "the fixture holds \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: file)
    }
}
