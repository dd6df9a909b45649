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

    func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test("a symbolic link (a chain of two) is written through: the target changes, keeps its mode, the links stay")
    func symlinkChain() throws {
        try withSeedFile { store, folder in
            // PROGRESS.md → chain.md → real/target.md, both links relative.
            let real = folder.appendingPathComponent("real")
            try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
            let target = real.appendingPathComponent("target.md").path
            try FileManager.default.moveItem(atPath: store.path, toPath: target)
            #expect(chmod(target, 0o640) == 0)
            try FileManager.default.createSymbolicLink(
                atPath: folder.appendingPathComponent("chain.md").path,
                withDestinationPath: "real/target.md"
            )
            try FileManager.default.createSymbolicLink(atPath: store.path, withDestinationPath: "chain.md")

            let result = try store.update { try $0.start(Fixture.project(1), on: Fixture.date("2025-11-20")) }
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.path) == "chain.md")
            #expect(
                try FileManager.default.destinationOfSymbolicLink(
                    atPath: folder.appendingPathComponent("chain.md").path
                ) == "real/target.md"
            )
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == result.data)
            #expect(try mode(target) == 0o640)
            #expect(try store.read() == result)
            // The lock is beside the target; no temporary file is left in either folder.
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                    "PROGRESS.md", "chain.md", "real",
                ]
            )
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: real.path).sorted() == [
                    "target.md", "target.md.lock",
                ]
            )
            #expect(store.lockPath.hasSuffix("/real/target.md.lock"))
        }
    }

    @Test("a dangling link is no file: update fails, create refuses to write through it, nothing is created")
    func danglingLink() throws {
        try withSeedFile { store, folder in
            let link = folder.appendingPathComponent("LINK.md").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "nowhere.md")
            let linked = ProgressFileStore(path: link)
            Fixture.expectError(.fileSystem) { try linked.update { $0 } }
            Fixture.expectError(.fileExists) { try linked.create(.new(startingOn: Fixture.date("2026-01-01"))) }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("nowhere.md").path))
        }
    }

    @Test("a file with no write bit for anyone (0444) is refused, even as root, and left as it is")
    func readOnlyFile() throws {
        try withSeedFile { store, folder in
            #expect(chmod(store.path, 0o444) == 0)
            let before = try bytes(store)
            let error = Fixture.expectError(.fileSystem) {
                try store.update { try $0.start(Fixture.project(1), on: Fixture.date("2025-11-20")) }
            }
            #expect(error?.message.contains("read-only (mode 444") == true, "\(String(describing: error))")
            #expect(error?.path == store.path || error?.path?.hasSuffix("/PROGRESS.md") == true)
            #expect(try bytes(store) == before)
            #expect(try mode(store.path) == 0o444)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                    "PROGRESS.md", "PROGRESS.md.lock",
                ]
            )
            // A change that changes nothing needs no write.
            #expect(try store.update { $0 }.data == Data(before))
        }
    }

    @Test("the owner and group are kept (as root), and the mode")
    func ownerKept() throws {
        try withSeedFile { store, _ in
            guard geteuid() == 0 else { return }  // only root may give a file away; the tests run as root
            #expect(chown(store.path, 4242, 4343) == 0)
            #expect(chmod(store.path, 0o604) == 0)
            try store.update { try $0.start(Fixture.project(1), on: Fixture.date("2025-11-20")) }
            let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
            #expect((attributes[.ownerAccountID] as? NSNumber)?.intValue == 4242)
            #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.intValue == 4343)
            #expect(try mode(store.path) == 0o604)
        }
    }

    @Test("a lock file that is a symbolic link is not followed: refused, its target not created, the file unchanged")
    func lockSymlink() throws {
        try withSeedFile { store, folder in
            let elsewhere = folder.appendingPathComponent("elsewhere").path
            try FileManager.default.createSymbolicLink(atPath: store.path + ".lock", withDestinationPath: elsewhere)
            let before = try bytes(store)
            let error = Fixture.expectError(.fileSystem) {
                try store.update { try $0.start(Fixture.project(1), on: Fixture.date("2025-11-20")) }
            }
            #expect(error?.message.contains("the lock file is a symbolic link") == true, "\(String(describing: error))")
            #expect(!FileManager.default.fileExists(atPath: elsewhere))
            #expect(try bytes(store) == before)
        }
    }

    @Test("error messages never hold the path (it is in the error's path)")
    func messagesWithoutPaths() throws {
        try withSeedFile { store, folder in
            let missing = ProgressFileStore(path: folder.appendingPathComponent("missing.md").path)
            for error in [
                Fixture.expectError(.fileSystem) { try missing.update { $0 } },
                Fixture.expectError(.fileSystem) { _ = try missing.read() },
                Fixture.expectError(.fileExists) { try store.create(.new(startingOn: Fixture.date("2026-01-01"))) },
            ] {
                let error = try #require(error)
                #expect(!error.message.contains(folder.path) && !error.description.contains(folder.path), "\(error)")
                #expect(error.path?.hasPrefix(folder.path) == true || error.path?.contains("/progress-") == true)
            }
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
