import Foundation
import ProgressTracking
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct FileStoreTests {
    /// A fresh folder holding a copy of the seed; removed afterwards.
    func withSeedFile(_ body: (ProgressFileStore, URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("PROGRESS.md")
        try Data(Fixture.seed).write(to: file)
        try body(ProgressFileStore(path: file.path), folder)
    }

    func bytes(_ store: ProgressFileStore) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.path)))
    }

    @Test("update writes the verb's result, keeps the permissions and leaves no temporary file")
    func update() throws {
        try withSeedFile { store, folder in
            #expect(chmod(store.path, 0o640) == 0)
            let result = try store.update { try $0.start(Fixture.project(1), on: Fixture.date("2025-11-20")) }
            #expect(try bytes(store) == [UInt8](result.data))
            #expect(try store.read() == result)
            let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
            #expect(mode == 0o640)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(names == ["PROGRESS.md", "PROGRESS.md.lock"])
        }
    }

    @Test("every invalid input leaves the file byte-identical")
    func invalidInputs() throws {
        try withSeedFile { store, folder in
            let before = try bytes(store)
            let day = Fixture.date("2025-11-20")
            let failures: [(ProgressError.Code, (ProgressDocument) throws -> ProgressDocument)] = [
                (.unknownProject, { try $0.start(Fixture.project(41), on: day) }),
                (.invalidTransition, { try $0.complete(Fixture.project(1), on: day) }),
                (.invalidTransition, { try $0.reopen(Fixture.project(1), on: day) }),
                (
                    .invalidArgument,
                    {
                        try $0.start(Fixture.project(1), on: day).complete(
                            Fixture.project(1),
                            on: Fixture.date("2025-11-01")
                        )
                    }
                ),
                (.invalidArgument, { try $0.reflect(month: 13, [.keyLearnings: "x"], on: day) }),
                (.invalidArgument, { try $0.addBlogPost(title: "t", url: "nope", on: day) }),
                (.noMatch, { try $0.check("no such item", on: day) }),
                (.ambiguousMatch, { try $0.check("can", on: day) }),
                (.invalidArgument, { try $0.start(Fixture.project(1), on: try CalendarDate(parsing: "2025-02-30")) }),
            ]
            for (code, change) in failures {
                Fixture.expectError(code) { try store.update(change) }
                #expect(try bytes(store) == before)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
        }
    }

    @Test("a file that cannot be understood is refused and left as it is")
    func unreadable() throws {
        try withSeedFile { store, _ in
            let garbage = Array("# Notes\n\nno table\n".utf8)
            try Data(garbage).write(to: URL(fileURLWithPath: store.path))
            Fixture.expectError(.invalidDocument) { try store.update { $0.repaired() } }
            #expect(try bytes(store) == garbage)
            Fixture.expectError(.fileSystem) { try ProgressFileStore(path: store.path + ".missing").update { $0 } }
        }
    }

    @Test("create refuses to overwrite, and writes the template")
    func create() throws {
        try withSeedFile { store, folder in
            let before = try bytes(store)
            let new = ProgressDocument.new(startingOn: Fixture.date("2026-01-01"))
            Fixture.expectError(.fileExists) { try store.create(new) }
            #expect(try bytes(store) == before)
            let other = ProgressFileStore(path: folder.appendingPathComponent("NEW.md").path)
            try other.create(new)
            #expect(try other.read() == new)
        }
    }

    @Test("concurrent updaters never lose a change (4 threads, each update with its own descriptors and lock)")
    func concurrentUpdates() throws {
        try withSeedFile { store, _ in
            // Each update opens its own descriptor on the lock file: flock locks belong to the open file
            // description, so these threads exclude each other exactly as separate processes would.
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                for offset in 1...10 {
                    let number = worker * 10 + offset
                    do {
                        try ProgressFileStore(path: store.path).update { document in
                            try document.start(Fixture.project(number), on: Fixture.date("2025-11-20"))
                                .note(Fixture.project(number), "worker \(worker)", on: Fixture.date("2025-11-20"))
                        }
                    } catch {
                        failures.withLock { $0.append("\(number): \(error)") }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let snapshot = try store.read().snapshot()
            #expect(snapshot.totals.inProgress == 40)
            #expect(snapshot.projects.allSatisfy { $0.notes == "worker \(($0.number.value - 1) / 10)" })
        }
    }

    @Test(
        "control characters in any text a verb writes are refused, naming the code point; the file is byte-identical",
        arguments: [
            "\u{00}", "\u{07}", "\u{08}", "\u{0B}", "\u{0C}", "\u{1B}[31m", "\u{7F}", "\u{80}", "\u{85}", "\u{9B}",
            "\u{9F}", "\u{2028}", "\u{2029}", "a\rb", "end\r",
        ]
    )
    func controlCharacters(_ bad: String) throws {
        try withSeedFile { store, folder in
            let day = Fixture.date("2025-11-20")
            try store.update { try $0.start(Fixture.project(1), on: day) }
            let before = try bytes(store)
            let hostile = "before \(bad) after"
            let changes: [(String, (ProgressDocument) throws -> ProgressDocument)] = [
                ("note", { try $0.note(Fixture.project(1), hostile, on: day) }),
                ("war story", { try $0.complete(Fixture.project(1), on: day, story: hostile) }),
                ("repository URL", { try $0.complete(Fixture.project(1), on: day, repository: "https://x.io/\(bad)") }),
                ("skill", { try $0.complete(Fixture.project(1), on: day, skills: ["caching\(bad)"]) }),
                ("Key Learnings", { try $0.reflect(month: 1, [.keyLearnings: hostile], on: day) }),
                ("blog post title", { try $0.addBlogPost(title: hostile, url: "https://x.io/a", on: day) }),
                ("blog post URL", { try $0.addBlogPost(title: "t", url: "https://x.io/\(bad)", on: day) }),
                ("insight", { try $0.addInsight(hostile, on: day) }),
                ("checklist item's text", { try $0.check("CAP\(bad)", on: day) }),
            ]
            for (what, change) in changes {
                let error = Fixture.expectError(.invalidArgument) { try store.update(change) }
                let message = error?.message ?? ""
                #expect(message.hasPrefix("the \(what) contains "), "\(what): \(message)")
                #expect(message.contains("U+"), "\(message)")
                #expect(!message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
                #expect(try bytes(store) == before, "\(what)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
        }
    }

    @Test("tab and line breaks (LF, CRLF) are allowed: a note keeps its tab, its line breaks become <br>")
    func allowedWhitespace() throws {
        try withSeedFile { store, _ in
            let day = Fixture.date("2025-11-20")
            let result = try store.update { try $0.note(Fixture.project(1), "a\tb\nc\r\nd", on: day) }
            #expect(try result.snapshot().project(Fixture.project(1))?.notes == "a\tb<br>c<br>d")
        }
    }
}
