import Foundation
import Platform
import TestSupport
import Testing

@Suite("ChildProcess")
struct ChildProcessTests {
    @Test("captures output and the exit status of a process that exits")
    func exitStatusAndOutput() async throws {
        let process = try ChildProcess(
            executable: "/bin/sh",
            arguments: ["-c", "echo hi; echo oops >&2; exit 3"],
            standardOutput: .artifactFile,
            standardError: .artifactFile
        )
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == .exited(3))
        #expect(status.code == 3)
        #expect(!status.isSuccess)
        #expect(process.readStandardOutput() == "hi\n")
        #expect(process.readStandardError() == "oops\n")
        #expect(!process.isRunning)
        let outputPath = try #require(process.standardOutputURL?.path)
        #expect(outputPath.contains("test-artifacts/processes/sh-"))
    }

    @Test("passes arguments and environment")
    func environment() async throws {
        let process = try ChildProcess(
            executable: "sh",
            arguments: ["-c", "printf '%s %s' \"$1\" \"$GREETING\"", "sh", "first argument"],
            environment: ["GREETING": "hello"]
        )
        #expect(try await process.waitForExit(timeout: .seconds(30)).isSuccess)
        #expect(process.readStandardOutput() == "first argument hello")
    }

    @Test("SIGKILL ends a sleeping process well within the bound")
    func kill() async throws {
        let process = try ChildProcess(executable: "sleep", arguments: ["100"])
        #expect(process.isRunning)
        await #expect(throws: ChildProcessError.self) { try await process.waitForExit(timeout: .milliseconds(100)) }
        let start = ContinuousClock.now
        process.kill(signal: .kill)
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == .signalled(.kill))
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    #if os(Linux)
    @Test("the child starts with no signal blocked, whatever thread spawned it")
    func signalMask() async throws {
        let process = try ChildProcess(executable: "cat", arguments: ["/proc/self/status"])
        try await process.waitForExit(timeout: .seconds(30))
        #expect(process.readStandardOutput().contains("SigBlk:\t0000000000000000\n"))
    }
    #endif

    @Test("stop() terminates with SIGTERM")
    func stop() async throws {
        let process = try ChildProcess(executable: "sleep", arguments: ["100"])
        let status = try await process.stop(gracePeriod: .seconds(10))
        #expect(status == .signalled(.terminate))
        #expect(status.signal == .terminate)
    }

    @Test("the process group goes too: a grandchild is killed with its parent")
    func processGroup() async throws {
        let pidFile = TestServers.artifactsDirectory.appendingPathComponent("grandchild-\(UUID().uuidString).pid")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let process = try ChildProcess(
            executable: "/bin/sh",
            arguments: ["-c", "sleep 100 & echo $! > '\(pidFile.path)'; wait"]
        )
        try await waitUntil(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: pidFile.path) }
        try await waitUntil(timeout: .seconds(60)) {
            (try? String(contentsOf: pidFile, encoding: .utf8))?.hasSuffix("\n") == true
        }
        let grandchild = try #require(
            Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        )
        process.kill(signal: .kill)
        try await process.waitForExit(timeout: .seconds(30))
        // The grandchild's parent is gone; it is reaped by init once dead. `kill(pid, 0)` fails when it is gone.
        try await waitUntil(timeout: .seconds(60)) { !Self.isAlive(grandchild) }
    }

    @Test("an unknown executable is a launchFailed error")
    func unknownExecutable() throws {
        #expect(throws: ChildProcessError.self) { try ChildProcess(executable: "no-such-executable-mastery") }
    }

    @Test("standard output and standard error can share one appended log")
    func sharedLog() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-shared-\(UUID().uuidString).log"
        )
        defer { try? FileManager.default.removeItem(at: log) }
        try "before\n".write(to: log, atomically: true, encoding: .utf8)
        let process = try ChildProcess(
            executable: "/bin/sh",
            arguments: ["-c", "echo one; echo two >&2; echo three"],
            standardOutput: .appending(log),
            standardError: .appending(log)
        )
        #expect(try await process.waitForExit(timeout: .seconds(30)) == .exited(0))
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.sorted() == ["before", "one", "three", "two"])
        #expect(lines.first == "before")
    }

    @Test("freePort returns a bindable port")
    func port() throws {
        let port = try freePort()
        #expect((1024...65535).contains(port))
    }

    @Test("freePort never gives one process the same port twice, even from many threads at once")
    func portsAreNeverRepeated() async throws {
        // Two tests starting servers of their own at once once got one port from the kernel and shared one server.
        let ports = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 { group.addTask { try (0..<50).map { _ in try freePort() } } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(ports.count == 400)
        #expect(Set(ports).count == ports.count)
    }

    @Test("waitUntil gives up after its timeout")
    func waitUntilTimesOut() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: ChildProcessError.self) {
            try await waitUntil(timeout: .milliseconds(200), interval: .milliseconds(20)) { false }
        }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        // A zombie still answers kill(0); read its state from /proc instead.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }
}
