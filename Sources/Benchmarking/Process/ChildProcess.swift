public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process a benchmark starts (our server, a peer, a load generator), with its output in a log file.
///
/// Prefer ``withLaunched(name:executable:arguments:logFile:stopSignal:grace:body:)``, which stops the process
/// whatever happens. Every running child is also registered for ``stopAllOnInterrupt()``.
public final class ChildProcess: Sendable {
    /// A name for messages, such as `"nginx"`.
    public let name: String
    /// The file receiving the process's standard output and standard error.
    public let logFile: URL
    private let process: Process

    private init(name: String, logFile: URL, process: Process) {
        self.name = name
        self.logFile = logFile
        self.process = process
    }

    /// The process identifier.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Starts a process with its standard output and standard error appended to `logFile`.
    /// - Throws: ``BenchmarkError/Code-swift.struct/processFailed`` when it cannot be started.
    public static func launch(
        name: String,
        executable: String,
        arguments: [String],
        logFile: URL
    ) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        do {
            if !FileManager.default.fileExists(atPath: logFile.path) {
                _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            }
            let log = try FileHandle(forWritingTo: logFile)
            try log.seekToEnd()
            process.standardOutput = log
            process.standardError = log
            try process.run()
            try? log.close()
        } catch {
            throw BenchmarkError(
                code: .processFailed,
                message: "could not start \(name) (\(executable))",
                underlying: error
            )
        }
        let child = ChildProcess(name: name, logFile: logFile, process: process)
        _ = Self.running.withLock { $0.insert(process.processIdentifier) }
        return child
    }

    /// Starts a process, runs `body`, and stops the process whatever happens.
    /// - Parameters:
    ///   - stopSignal: The signal that asks it to stop (`SIGTERM` unless given).
    ///   - grace: How long it may take to stop before it gets `SIGKILL`.
    public static func withLaunched<Result: Sendable>(
        name: String,
        executable: String,
        arguments: [String],
        logFile: URL,
        stopSignal: Int32 = SIGTERM,
        grace: Duration = .seconds(5),
        body: (ChildProcess) async throws -> Result
    ) async throws -> Result {
        let child = try launch(name: name, executable: executable, arguments: arguments, logFile: logFile)
        let result: Result
        do {
            result = try await body(child)
        } catch {
            await child.stop(signal: stopSignal, grace: grace)
            throw error
        }
        await child.stop(signal: stopSignal, grace: grace)
        return result
    }

    /// Waits for the process to exit.
    /// - Returns: Its termination status, or `nil` if it is still running after `timeout`.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Self.running.withLock { _ = $0.remove(process.processIdentifier) }
        return process.terminationStatus
    }

    /// Asks the process to stop with `signal`, then kills it with `SIGKILL` if it is still running after `grace`.
    /// Does nothing if it has already exited. Runs to the end even when the calling task is cancelled.
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async {
        // An unstructured task does not inherit cancellation, so the sleeps below still wait when the caller
        // was cancelled (Ctrl-C, a failed round) and the child is always stopped.
        await Task { await self.stopUncancelled(signal: signal, grace: grace) }.value
    }

    private func stopUncancelled(signal: Int32, grace: Duration) async {
        if process.isRunning {
            kill(process.processIdentifier, signal)
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                let killDeadline = ContinuousClock.now + .seconds(5)
                while process.isRunning, ContinuousClock.now < killDeadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }
        Self.running.withLock { _ = $0.remove(process.processIdentifier) }
    }

    /// The last bytes of the log file, for error messages.
    public func logTail(maxBytes: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return "" }
        return String(decoding: data.suffix(maxBytes), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Interrupts

    /// The identifiers of children started and not yet seen to exit.
    static let running = Mutex<Set<Int32>>([])
    private static let interruptSources = Mutex<[any DispatchSourceSignal]>([])

    /// Makes `SIGINT` and `SIGTERM` stop every running child (`SIGTERM`, then `SIGKILL` after a second) and exit
    /// with status 130, so Ctrl-C never leaves a server or a peer behind. Call once, early, from a command.
    public static func stopAllOnInterrupt() {
        interruptSources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { stopAllAndExit() }
                source.resume()
                sources.append(source)
            }
        }
    }

    private static func stopAllAndExit() -> Never {
        let children = running.withLock { $0 }
        for child in children { kill(child, SIGTERM) }
        for _ in 0..<50 where children.contains(where: { kill($0, 0) == 0 }) {
            pause(milliseconds: 20)
        }
        for child in children where kill(child, 0) == 0 { kill(child, SIGKILL) }
        TemporaryDirectory.removeAll()
        exit(130)
    }

    /// Sleeps the thread; only for the signal handler, which runs on a Dispatch queue, not in a task.
    private static func pause(milliseconds: Int) {
        usleep(UInt32(milliseconds * 1000))
    }
}
