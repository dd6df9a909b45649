public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process (a server under test, a benchmark peer, a load generator): output captured to files, signals
/// sent to its whole process group, and killed with `SIGKILL` when the last reference goes away, so neither a test
/// nor a benchmark leaks a process. ``stopAllOnInterrupt()`` makes Ctrl-C stop every running child too.
///
/// ```swift
/// let server = try ChildProcess(executable: "/usr/sbin/nginx", arguments: ["-c", path])
/// try await waitUntil(timeout: .seconds(10)) { (try? await ping()) == true }
/// let status = try await server.stop()
/// ```
///
/// The child runs in its own process group (Foundation's `Process` starts it so), and signals go to the group:
/// grandchildren (a browser started by its driver) go with it.
public final class ChildProcess: Sendable {
    /// Where a standard stream of the child goes.
    public struct Output: Sendable {
        fileprivate enum Base: Sendable {
            case newFile(URL)
            case file(URL)
            case appending(URL)
            case discard
            case inherit
        }
        fileprivate let base: Base

        /// A new file in `directory` named after the process (`<name>-<id>.stdout.log`), kept for reading later.
        public static func newFile(in directory: URL) -> Output { Output(base: .newFile(directory)) }
        /// The given file, created or truncated (give standard output and standard error different files).
        public static func file(_ url: URL) -> Output { Output(base: .file(url)) }
        /// The given file, created if needed and appended to (standard output and standard error may share it).
        public static func appending(_ url: URL) -> Output { Output(base: .appending(url)) }
        /// A new file under the system's temporary folder, in `mastery-processes/` (the default).
        public static var temporaryFile: Output {
            newFile(in: FileManager.default.temporaryDirectory.appendingPathComponent("mastery-processes"))
        }
        /// `/dev/null`.
        public static let discard = Output(base: .discard)
        /// The test runner's own stream.
        public static let inherit = Output(base: .inherit)
    }

    /// How a child process ended.
    public struct ExitStatus: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case exited(Int32)
            case signalled(Int32)
        }
        private let base: Base

        /// The process called `exit(code)`.
        public static func exited(_ code: Int32) -> ExitStatus { ExitStatus(base: .exited(code)) }
        /// The process was ended by a signal.
        public static func signalled(_ signal: Signal) -> ExitStatus { ExitStatus(base: .signalled(signal.rawValue)) }

        /// The exit code, or `nil` when a signal ended the process.
        public var code: Int32? { if case .exited(let code) = base { code } else { nil } }
        /// The signal that ended the process, or `nil` when it exited.
        public var signal: Signal? { if case .signalled(let signal) = base { Signal(rawValue: signal) } else { nil } }
        /// True for `exit(0)`.
        public var isSuccess: Bool { base == .exited(0) }

        public var description: String {
            switch base {
            case .exited(let code): "exited with code \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// A POSIX signal.
    public struct Signal: Hashable, Sendable {
        /// The signal number.
        public var rawValue: Int32
        /// Wraps a signal number.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `SIGTERM`: asks the process to shut down gracefully.
        public static let terminate = Signal(rawValue: SIGTERM)
        /// `SIGKILL`: ends the process at once.
        public static let kill = Signal(rawValue: SIGKILL)
        /// `SIGINT`: what Ctrl-C sends.
        public static let interrupt = Signal(rawValue: SIGINT)
        /// `SIGHUP`.
        public static let hangup = Signal(rawValue: SIGHUP)
    }

    /// The path of the executable that was started.
    public let executable: String
    /// The arguments it was started with.
    public let arguments: [String]
    /// The child's process id (also its process group id).
    public let processIdentifier: Int32
    /// The file holding the child's standard output, when it goes to a file.
    public let standardOutputURL: URL?
    /// The file holding the child's standard error, when it goes to a file.
    public let standardErrorURL: URL?

    private struct State: Sendable {
        var status: ExitStatus?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelledWaiters: Set<Int> = []
        var nextWaiter = 0
    }

    /// The state that the termination handler fills in; it outlives `self` so `deinit` is never blocked by it.
    private final class StateBox: Sendable {
        let state = Mutex(State())
    }

    // `Process` is documented as safe to use from any thread; we only read it after `run()`.
    private let process: Process
    private let box = StateBox()

    /// Starts a child process.
    ///
    /// - Parameters:
    ///   - executable: A path, or a name looked up in `PATH` (and `/usr/sbin`, `/usr/bin`, `/usr/local/bin`).
    ///   - arguments: The arguments, without the executable.
    ///   - environment: Variables set on top of the runner's environment (or alone, see `inheritsEnvironment`).
    ///   - inheritsEnvironment: Whether the child starts from the test runner's environment.
    ///   - workingDirectory: The child's working directory; the runner's when `nil`.
    ///   - standardOutput: Where standard output goes; a new temporary file by default.
    ///   - standardError: Where standard error goes; a new temporary file by default.
    ///   - name: The prefix of the log file names; the executable's file name by default.
    /// - Throws: ``ChildProcessError`` with code `launchFailed` when the executable cannot be found or started.
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        inheritsEnvironment: Bool = true,
        workingDirectory: URL? = nil,
        standardOutput: Output = .temporaryFile,
        standardError: Output = .temporaryFile,
        name: String? = nil
    ) throws {
        let path = executable.contains("/") ? executable : Self.find(executable)
        guard let path else {
            throw ChildProcessError(code: .launchFailed, message: "\(executable) is not in PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var childEnvironment = inheritsEnvironment ? ProcessInfo.processInfo.environment : [:]
        childEnvironment.merge(environment) { _, new in new }
        process.environment = childEnvironment
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }

        let prefix = (name ?? URL(fileURLWithPath: path).lastPathComponent) + "-" + UUID().uuidString.prefix(8)
        let (stdoutURL, stdoutHandle) = try Self.open(standardOutput, named: "\(prefix).stdout.log")
        let (stderrURL, stderrHandle) = try Self.open(standardError, named: "\(prefix).stderr.log")
        if let stdoutHandle { process.standardOutput = stdoutHandle }
        if let stderrHandle { process.standardError = stderrHandle }
        process.standardInput = FileHandle.nullDevice

        let box = self.box
        process.terminationHandler = { process in
            let status: ExitStatus =
                process.terminationReason == .uncaughtSignal
                ? .signalled(Signal(rawValue: process.terminationStatus)) : .exited(process.terminationStatus)
            let waiters = box.state.withLock { state in
                state.status = status
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters { waiter.resume() }
            Self.running.withLock { _ = $0.remove(process.processIdentifier) }
        }
        do {
            try withSignalsUnblocked { try process.run() }
        } catch {
            throw ChildProcessError(code: .launchFailed, message: "could not start \(path)", underlying: error)
        }
        // The child holds its own copies of the descriptors.
        for handle in [stdoutHandle, stderrHandle] where handle !== FileHandle.nullDevice { try? handle?.close() }

        Self.running.withLock { _ = $0.insert(process.processIdentifier) }
        self.process = process
        self.executable = path
        self.arguments = arguments
        self.processIdentifier = process.processIdentifier
        self.standardOutputURL = stdoutURL
        self.standardErrorURL = stderrURL
    }

    deinit {
        if isRunning { send(.kill) }
    }

    /// The exit status, or `nil` while the process runs.
    public var exitStatus: ExitStatus? { box.state.withLock { $0.status } }

    /// Whether the process is still running.
    public var isRunning: Bool { exitStatus == nil }

    /// Sends `SIGTERM` to the process group.
    public func terminate() { kill(signal: .terminate) }

    /// Sends a signal to the process group (nothing happens once the process has exited).
    public func kill(signal: Signal = .kill) {
        if isRunning { send(signal) }
    }

    /// Waits for the process to exit.
    ///
    /// - Parameter timeout: How long to wait at most.
    /// - Returns: How the process ended.
    /// - Throws: ``ChildProcessError`` with code `timedOut` when it is still running after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration) async throws -> ExitStatus {
        if let status = exitStatus { return status }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.terminated() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        guard let status = exitStatus else {
            throw ChildProcessError(
                code: .timedOut,
                message: "\(URL(fileURLWithPath: executable).lastPathComponent) (pid \(processIdentifier)) "
                    + "still running after \(timeout)"
            )
        }
        return status
    }

    /// Stops the process: `SIGTERM`, then `SIGKILL` if it is still running after `gracePeriod`.
    ///
    /// - Returns: How the process ended.
    /// - Throws: ``ChildProcessError`` with code `timedOut` if even `SIGKILL` did not end it within 10 seconds.
    @discardableResult
    public func stop(gracePeriod: Duration = .seconds(5)) async throws -> ExitStatus {
        terminate()
        if let status = try? await waitForExit(timeout: gracePeriod) { return status }
        kill(signal: .kill)
        return try await waitForExit(timeout: .seconds(10))
    }

    /// What the process wrote to standard output so far (empty unless it goes to a file).
    public func readStandardOutput() -> String { Self.read(standardOutputURL) }

    /// What the process wrote to standard error so far (empty unless it goes to a file).
    public func readStandardError() -> String { Self.read(standardErrorURL) }

    // MARK: Interrupts

    /// The process ids of children started and not yet seen to exit.
    static let running = Mutex<Set<Int32>>([])
    private static let interruptSources = Mutex<[any DispatchSourceSignal]>([])

    /// Makes `SIGINT` and `SIGTERM` stop every running child (`SIGTERM` to its group, `SIGKILL` a second later)
    /// and exit with status 130, so Ctrl-C never leaves a server or a peer behind. For commands (`mastery bench`);
    /// call once, early.
    public static func stopAllOnInterrupt(cleanup: @escaping @Sendable () -> Void = {}) {
        interruptSources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    let children = running.withLock { $0 }
                    for child in children where posixKill(-child, SIGTERM) != 0 { _ = posixKill(child, SIGTERM) }
                    for _ in 0..<50 where children.contains(where: { posixKill($0, 0) == 0 }) { usleep(20_000) }
                    for child in children where posixKill(child, 0) == 0 {
                        if posixKill(-child, SIGKILL) != 0 { _ = posixKill(child, SIGKILL) }
                    }
                    cleanup()
                    exit(130)
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func send(_ signal: Signal) {
        // The child leads its own process group; fall back to the process alone if it left the group.
        if posixKill(-processIdentifier, signal.rawValue) != 0 {
            _ = posixKill(processIdentifier, signal.rawValue)
        }
    }

    /// Returns when the process has exited or the task is cancelled.
    private func terminated() async {
        let box = self.box
        let id = box.state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = box.state.withLock { state in
                    if state.status != nil || state.cancelledWaiters.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = box.state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                if state.status == nil { state.cancelledWaiters.insert(id) }
                return nil
            }
            waiter?.resume()
        }
    }

    private static func open(_ output: Output, named fileName: String) throws -> (URL?, FileHandle?) {
        let url: URL
        switch output.base {
        case .inherit: return (nil, nil)
        case .discard: return (nil, FileHandle.nullDevice)
        case .file(let file): url = file
        case .newFile(let directory):
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            url = directory.appendingPathComponent(fileName)
        case .appending(let file):
            // O_APPEND: standard output and standard error may share the file without overwriting each other.
            let descriptor = Foundation.open(file.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ChildProcessError(code: .launchFailed, message: "could not open \(file.path) (errno \(errno))")
            }
            return (file, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ChildProcessError(code: .launchFailed, message: "could not create \(url.path)")
        }
        return (url, try FileHandle(forWritingTo: url))
    }

    /// The full path of an executable found in `PATH` (or `/usr/sbin`, `/usr/bin`, `/usr/local/bin`), or `nil`.
    public static func find(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/usr/local/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func read(_ url: URL?) -> String {
        guard let url, let data = try? Data(contentsOf: url) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `body` with no signal blocked on the calling thread.
///
/// A child inherits the signal mask of the thread that spawns it, and Swift's concurrency threads block nearly every
/// signal: without this, `SIGTERM` would stay pending forever in a child that does not unblock it itself (`sleep`,
/// and any server that waits for signals through a dispatch source).
private func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
    var none = sigset_t()
    var previous = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}

/// `kill(2)`, out of reach of ``ChildProcess/kill(signal:)``'s name.
private func posixKill(_ pid: pid_t, _ signal: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.kill(pid, signal)
    #else
    Darwin.kill(pid, signal)
    #endif
}
