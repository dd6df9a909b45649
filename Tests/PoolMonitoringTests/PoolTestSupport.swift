import Logging
import PoolMonitoring
import Synchronization
import TestSupport
import Testing

/// A connection with no I/O: it counts what the pool does to it.
final class StubConnection: Sendable {
    let id: Int
    let state = Mutex((closed: false, resets: 0, validations: 0))
    /// Opened by the factory's cancel: a statement waiting on it ends, as PostgreSQL's would.
    let cancelled = Gate()
    /// Opened by the factory's close: a statement waiting on it fails, as on a closed channel.
    let closedGate = Gate()

    init(id: Int) { self.id = id }

    var closed: Bool { state.withLock { $0.closed } }
    var resets: Int { state.withLock { $0.resets } }
}

/// Opens stub connections; it can be told to fail connects, resets or validations.
final class StubFactory: PoolConnectionFactory {
    struct Behaviour {
        var failConnects = false
        var failResets = false
        var failValidations = false
        /// The next validation hangs until the connection is closed (a black-holed socket); once.
        var hangNextValidation = false
        var opened: [StubConnection] = []
        var cancels = 0
    }

    let behaviour = Mutex(Behaviour())

    var opened: [StubConnection] { behaviour.withLock { $0.opened } }

    func makeConnection(id: Int) async throws -> StubConnection {
        try behaviour.withLock { behaviour in
            if behaviour.failConnects { throw StubFailure(reason: "connection refused") }
            let connection = StubConnection(id: id)
            behaviour.opened.append(connection)
            return connection
        }
    }

    func isClosed(_ connection: StubConnection) -> Bool { connection.closed }

    func validate(_ connection: StubConnection) async throws {
        connection.state.withLock { $0.validations += 1 }
        let hang = behaviour.withLock { behaviour in
            defer { behaviour.hangNextValidation = false }
            return behaviour.hangNextValidation
        }
        if hang {
            await connection.closedGate.wait()
            throw StubFailure(reason: "connection closed")
        }
        if behaviour.withLock({ $0.failValidations }) { throw StubFailure(reason: "validation failed") }
    }

    func reset(_ connection: StubConnection) async throws {
        connection.state.withLock { $0.resets += 1 }
        if behaviour.withLock({ $0.failResets }) { throw StubFailure(reason: "reset failed") }
    }

    func cancel(_ connection: StubConnection) async throws {
        behaviour.withLock { $0.cancels += 1 }
        connection.cancelled.open()
    }

    func close(_ connection: StubConnection) async {
        connection.state.withLock { $0.closed = true }
        connection.closedGate.open()
    }

    func describe(_ error: any Error) -> String {
        (error as? StubFailure)?.reason ?? "\(type(of: error))"
    }
}

struct StubFailure: Error {
    var reason: String
}

/// A logger that discards everything.
let quietLogger = Logger(label: "mastery.test.pool", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `body` while `pool.run()` runs in a child task, then stops it.
func withRunning<Factory: PoolConnectionFactory, C: Clock, Result: Sendable>(
    _ pool: ConnectionPool<Factory, C>,
    _ body: @Sendable () async throws -> Result
) async throws -> Result where C.Duration == Duration {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await pool.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Waits (polling every few milliseconds, at most `limit`) until `condition` holds.
func waitUntil(
    _ what: Comment,
    limit: Duration = .seconds(60),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting: \(what)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// A gate a holder waits on until the test opens it.
final class Gate: Sendable {
    let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A value behind a lock that escaping closures can share (a `Mutex` cannot be captured by them).
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    var value: Value { storage.withLock { $0 } }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        storage.withLock { body(&$0) }
    }
}
