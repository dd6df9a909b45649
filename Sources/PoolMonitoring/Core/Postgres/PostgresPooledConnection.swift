public import Logging
public import PostgresNIO
import Synchronization

/// A PostgresNIO connection as the pool hands it out, with its server process's id.
///
/// Run statements through ``query(_:logger:file:line:)``, not `connection.query` directly: PostgresNIO (1.33) never
/// answers a statement written to a connection that has just closed (a server restart, `pg_terminate_backend`, an
/// `idle_session_timeout`): the write fails with no one told and the caller waits forever. This one checks the
/// connection and writes the statement on the connection's own event loop, where no close can slip in between,
/// and fails with ``PoolError/Code/connectionBroken`` when it is closed.
///
/// It keeps a dirty bit, as HikariCP's connection proxy does: the release resets the session (two round trips)
/// only when it may hold state for the next borrower. A statement run through ``query(_:logger:file:line:)`` that
/// plainly reads or writes rows (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `WITH`, `VALUES`, `TABLE`, with no
/// `set_config`, session-level advisory lock or `INTO TEMP` among its words) leaves the bit clear; any other
/// statement sets it, and so does touching ``connection`` (what runs there cannot be seen).
public struct PostgresPooledConnection: Sendable {
    /// The connection itself: reading it marks the session dirty (it is reset on release). Never close it.
    public var connection: PostgresConnection {
        session.markDirty()
        return raw
    }
    /// The connection, without marking the session dirty (the pool's own statements).
    let raw: PostgresConnection
    /// Whether the session may hold state (an open transaction, settings, temporary tables, locks).
    let session = Session()
    /// The connection's event loop, as a task executor.
    let executor: EventLoopTaskExecutor
    /// The server process serving it (`pg_backend_pid()`, read when it opened): what `pg_cancel_backend` targets
    /// and `pg_stat_activity.pid` shows.
    public let backendPID: Int32

    /// Wraps a connection.
    /// - Parameters:
    ///   - connection: The connection.
    ///   - backendPID: Its server process (`pg_backend_pid()`).
    public init(connection: PostgresConnection, backendPID: Int32) {
        self.raw = connection
        self.backendPID = backendPID
        self.executor = EventLoopTaskExecutor.shared(for: connection.eventLoop)
    }

    /// Whether the session may hold state for the next borrower.
    public var isDirty: Bool { session.dirty.withLock { $0 } }

    /// Runs a statement; fails (rather than waits forever) if the connection closes before the server answers.
    /// - Parameters:
    ///   - query: The statement, with its binds.
    ///   - logger: For PostgresNIO's events.
    ///   - file: The caller (for PostgresNIO's errors).
    ///   - line: The caller (for PostgresNIO's errors).
    /// - Returns: The rows, to be read (the connection is released by whoever holds it, not by reading them).
    /// - Throws: The server's error, or ``PoolError`` with code ``PoolError/Code/connectionBroken``.
    @discardableResult
    public func query(
        _ query: PostgresQuery,
        logger: Logger,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> PostgresRowSequence {
        if !Self.leavesSessionClean(query.sql) { session.markDirty() }
        return try await run(query, logger: logger, file: file, line: line)
    }

    /// Runs a statement without looking at the dirty bit (the pool's own: validation, reset, transactions).
    @discardableResult
    func run(
        _ query: PostgresQuery,
        logger: Logger,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> PostgresRowSequence {
        let connection = raw
        // On the connection's own event loop, a channel seen open takes the write that `query` makes before its
        // first suspension: no close can come between the check and the write, so the statement is either
        // refused here or answered (or failed) by PostgresNIO's handler. No task, no callback per statement.
        return try await withTaskExecutorPreference(executor) {
            guard !connection.isClosed else { throw Self.closed }
            return try await connection.query(query, logger: logger, file: file, line: line)
        }
    }

    /// Runs `operation`, failing at once if `connection` is or becomes closed before it ends: for a statement or
    /// a `LISTEN` on a connection outside the pool. An operation that PostgresNIO never answers, or that ignores the
    /// caller's cancellation, is left behind (one suspended task), never waited for. Each call adds a callback to the connection's close future until it
    /// closes: for long-lived connections, run many statements through a ``PostgresPooledConnection`` instead.
    public static func unlessClosed<Result: Sendable>(
        _ connection: PostgresConnection,
        _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        if connection.isClosed { throw Self.closed }
        let outcome = Outcome<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.set(continuation)
                outcome.task.withLock {
                    $0 = Task {
                        do {
                            outcome.resume(.success(try await operation()))
                        } catch {
                            outcome.resume(.failure(error))
                        }
                    }
                }
                connection.closeFuture.whenComplete { _ in outcome.resume(.failure(Self.closed)) }
                // Cancelled before the continuation was there: the handler below found nothing to resume.
                if Task.isCancelled { outcome.resume(.failure(CancellationError())) }
            }
        } onCancel: {
            // The caller returns at once: an operation that ignores cancellation (a `LISTEN` whose `UNLISTEN`
            // PostgresNIO never answers) is left behind, as it is when the connection closes.
            outcome.task.withLock { $0 }?.cancel()
            outcome.resume(.failure(CancellationError()))
        }
    }

    /// Whether a statement plainly reads or writes rows, leaving no session state behind (when in doubt: no).
    /// It looks at words, not substrings: `attempt` is not `temp`.
    static func leavesSessionClean(_ sql: String) -> Bool {
        let words = sql.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }
        guard let first = words.first, cleanKeywords.contains(first) else { return false }
        for (index, word) in words.enumerated() {
            if sessionFunctions.contains(word) { return false }
            // SELECT … INTO TEMP[ORARY] creates a table that lives as long as the session.
            if word == "into", index + 1 < words.count, ["temp", "temporary"].contains(words[index + 1]) {
                return false
            }
        }
        return true
    }

    static let cleanKeywords: Set<Substring> = ["select", "insert", "update", "delete", "with", "values", "table"]
    /// Functions whose effect outlives the statement: settings and session-level advisory locks.
    static let sessionFunctions: Set<Substring> = [
        "set_config", "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared",
    ]

    /// The session's dirty bit.
    final class Session: Sendable {
        let dirty = Mutex(false)

        func markDirty() { dirty.withLock { $0 = true } }
    }

    static var closed: PoolError { PoolError(.connectionBroken, "the connection closed before the server answered") }

    /// The first of the operation's result and the connection's close, delivered once.
    final class Outcome<Result: Sendable>: Sendable {
        let continuation = Mutex<CheckedContinuation<Result, any Error>?>(nil)
        let task = Mutex<Task<Void, Never>?>(nil)

        func set(_ continuation: CheckedContinuation<Result, any Error>) {
            self.continuation.withLock { $0 = continuation }
        }

        func resume(_ result: Swift.Result<Result, any Error>) {
            continuation.withLock { $0.take() }?.resume(with: result)
        }
    }
}
