public import Logging
import NIOPosix
public import PostgresNIO
import Synchronization

/// Opens the pool's PostgreSQL connections with PostgresNIO, each with the instance's `application_name`.
///
/// - Reset: when the session is dirty (``PostgresPooledConnection``), `ROLLBACK` (a warning, not an error, outside
///   a transaction) then `DISCARD ALL` (session settings, temporary tables, prepared statements, `LISTEN`s,
///   advisory locks): two round trips; a session that only read and wrote rows is handed on as it is.
/// - Cancel: `SELECT pg_cancel_backend(pid)` on a short-lived connection of its own, the pid being the one read
///   with `pg_backend_pid()` when the connection opened. PostgresNIO keeps the backend key data of the startup
///   internal, so PostgreSQL's own cancel request (which needs that secret key) cannot be sent; the function needs
///   the same role (or `pg_signal_backend`), which the pool's own connection has.
public struct PostgresPoolConnectionFactory: PoolConnectionFactory {
    /// The configuration new connections use, swapped by ``rotateCredentials(username:password:)``.
    final class Current: Sendable {
        let configuration: Mutex<PostgresConnection.Configuration>
        /// How many connections were opened: the next one goes to the next loop of ``loops``.
        let opened = Atomic<Int>(0)
        init(_ configuration: PostgresConnection.Configuration) { self.configuration = Mutex(configuration) }
    }

    /// The event loops connections are opened on, in turn, so that they spread evenly whatever else opens
    /// connections on the same group meanwhile (a borrower on a loop finds connections of its loop).
    let loops: [any EventLoop] = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())

    let current: Current
    let logger: Logger

    /// The configuration new connections use now.
    var configuration: PostgresConnection.Configuration { current.configuration.withLock { $0 } }

    /// Creates the factory.
    /// - Parameters:
    ///   - configuration: Where and how to connect (its `application_name` startup parameter is replaced).
    ///   - applicationName: What `pg_stat_activity.application_name` shows for this instance's connections.
    ///   - logger: Receives PostgresNIO's connection events.
    public init(configuration: PostgresConnection.Configuration, applicationName: String, logger: Logger) {
        var configuration = configuration
        configuration.options.additionalStartupParameters.removeAll { $0.0 == "application_name" }
        configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        self.current = Current(configuration)
        self.logger = logger
    }

    /// Makes the connections opened from now on log in with new credentials (existing ones keep theirs: call
    /// ``ConnectionPool/replaceAllConnections()`` next to replace them without failing work in flight).
    /// - Parameters:
    ///   - username: The new user.
    ///   - password: The new password (kept in memory only, never logged).
    public func rotateCredentials(username: String, password: String?) {
        current.configuration.withLock { configuration in
            configuration.username = username
            configuration.password = password
        }
    }

    public func makeConnection(id: Int) async throws -> PostgresPooledConnection {
        let loop = loops[current.opened.add(1, ordering: .relaxed).oldValue % loops.count]
        let connection = try await PostgresConnection.connect(
            on: loop,
            configuration: configuration,
            id: id,
            logger: logger
        )
        do {
            var pid: Int32 = 0
            let rows = try await PostgresPooledConnection.unlessClosed(connection) { [logger] in
                try await connection.query("SELECT pg_backend_pid()", logger: logger)
            }
            for try await value in rows.decode(Int32.self) { pid = value }
            return PostgresPooledConnection(connection: connection, backendPID: pid)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The connection's event loop.
    public func affinity(of connection: PostgresPooledConnection) -> ObjectIdentifier? {
        ObjectIdentifier(connection.raw.eventLoop)
    }

    /// The event loop the caller runs on, if it runs on one (a task with an ``EventLoopTaskExecutor`` preference).
    public func currentAffinity() -> ObjectIdentifier? {
        MultiThreadedEventLoopGroup.currentEventLoop.map { ObjectIdentifier($0) }
    }

    public func isClosed(_ connection: PostgresPooledConnection) -> Bool {
        connection.raw.isClosed
    }

    public func validate(_ connection: PostgresPooledConnection) async throws {
        try await connection.run("SELECT 1", logger: logger)
    }

    public func reset(_ connection: PostgresPooledConnection) async throws {
        guard connection.isDirty else { return }
        try await connection.run("ROLLBACK", logger: logger)
        try await connection.run("DISCARD ALL", logger: logger)
        connection.session.dirty.withLock { $0 = false }
    }

    public func cancel(_ connection: PostgresPooledConnection) async throws {
        let canceller = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            _ = try await PostgresPooledConnection.unlessClosed(canceller) { [logger] in
                try await canceller.query("SELECT pg_cancel_backend(\(connection.backendPID))", logger: logger)
            }
            try await canceller.close()
        } catch {
            try? await canceller.close()
            throw error
        }
    }

    public func close(_ connection: PostgresPooledConnection) async {
        do {
            try await connection.raw.close()
        } catch {
            logger.debug("Closing a pool connection failed", metadata: ["pool.error": "\(describe(error))"])
        }
    }

    /// The server's message and SQLSTATE, or the kind of connection failure; never the query or the password.
    public func describe(_ error: any Error) -> String {
        if let error = error as? PoolError { return error.message }
        guard let error = error as? PSQLError else { return "\(type(of: error))" }
        if let info = error.serverInfo {
            let message = info[.message] ?? "server error"
            return info[.sqlState].map { "\(message) (SQLSTATE \($0))" } ?? message
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
