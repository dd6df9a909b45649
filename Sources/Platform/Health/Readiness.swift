import Foundation
import Synchronization

/// The server's readiness: the state of each backend it uses, and whether shutdown has begun.
///
/// `/ready` answers 503 while a required backend is down and from the moment shutdown begins, so load
/// balancers stop sending new requests before the listener closes.
public final class Readiness: Sendable {
    /// One backend's state in a report.
    public struct Backend: Sendable, Codable, Equatable {
        /// The backend's name.
        public var name: String
        /// Where it is (no passwords).
        public var target: String
        /// Whether the server needs it to be ready.
        public var required: Bool
        /// `up` or `down`.
        public var state: String
        /// How long the check took, in milliseconds.
        public var latencyMs: Double
        /// Why it is down.
        public var error: String?
    }

    /// What `/ready` returns.
    public struct Report: Sendable, Codable, Equatable {
        /// `ready`, `unready` or `shutting-down`.
        public var status: String
        /// Each backend.
        public var backends: [Backend]
        /// Whether the server should receive traffic.
        public var isReady: Bool { status == "ready" }
    }

    private let checks: Mutex<[any ReadinessCheck]>
    private let shuttingDown = Atomic<Bool>(false)
    let timeout: Duration

    /// Creates readiness over `checks`; each check gets at most `timeout`.
    public init(checks: [any ReadinessCheck] = [], timeout: Duration = .seconds(2)) {
        self.checks = Mutex(checks)
        self.timeout = timeout
    }

    /// Adds a check.
    public func add(_ check: any ReadinessCheck) {
        checks.withLock { $0.append(check) }
    }

    /// Marks the start of shutdown: from now on the server reports itself unready.
    public func beginShutdown() {
        shuttingDown.store(true, ordering: .relaxed)
    }

    /// Whether shutdown has begun.
    public var isShuttingDown: Bool { shuttingDown.load(ordering: .relaxed) }

    /// Runs every check concurrently (each bounded by the timeout) and reports.
    public func report() async -> Report {
        let checks = self.checks.withLock { $0 }
        let timeout = self.timeout
        let backends = await withTaskGroup(of: (Int, Backend).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask {
                    let start = ContinuousClock.now
                    var failure: String? = nil
                    do {
                        try await withDeadline(timeout) { try await check.check() }
                    } catch {
                        failure = String(describing: error)
                    }
                    let elapsed = ContinuousClock.now - start
                    let milliseconds =
                        Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    return (
                        index,
                        Backend(
                            name: check.name,
                            target: check.target,
                            required: check.isRequired,
                            state: failure == nil ? "up" : "down",
                            latencyMs: (milliseconds * 100).rounded() / 100,
                            error: failure
                        )
                    )
                }
            }
            var results: [(Int, Backend)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let status: String
        if isShuttingDown {
            status = "shutting-down"
        } else if backends.contains(where: { $0.required && $0.state != "up" }) {
            status = "unready"
        } else {
            status = "ready"
        }
        return Report(status: status, backends: backends)
    }
}

/// The error of an operation that did not finish in time.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    /// The time limit that passed.
    public var limit: Duration
    public var description: String { "no answer within \(limit)" }
}

/// Runs `body`, throwing ``DeadlineExceeded`` if it takes longer than `limit`.
///
/// On timeout the body is cancelled but not awaited: a backend that ignores cancellation (a socket that never
/// answers) cannot hold the caller past the limit.
public func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let work = Task {
                do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                race.finish(.failure(DeadlineExceeded(limit: limit)))
            }
            race.track([work, timer])
        }
    } onCancel: {
        race.cancel()
    }
}

/// The shared state of ``withDeadline(_:_:)``: whichever of the work and the timer finishes first resumes the
/// caller; the other is cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished = false
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func track(_ tasks: [Task<Void, Never>]) {
        let finished = state.withLock { state in
            state.tasks = tasks
            return state.finished
        }
        if finished { tasks.forEach { $0.cancel() } }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }

    func cancel() {
        state.withLock { $0.tasks }.forEach { $0.cancel() }
    }
}
