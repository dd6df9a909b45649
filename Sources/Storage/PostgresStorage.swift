public import Logging
import PostgresNIO
public import ServiceLifecycle

/// A PostgreSQL database: a ``PostgresPool`` (PoolMonitoring's connection pool) run as a lifecycle service.
///
/// Add it to the `ServiceGroup` (its ``run()`` runs the pool), then migrate and hand ``pool`` to the systems:
///
/// ```swift
/// let database = try PostgresStorage(url: "postgres://mastery:secret@db:5432/mastery", logger: logger)
/// // in the ServiceGroup: services: [database, …]
/// try await database.migrate([JobStore.migrations], logger: logger)
/// ```
///
/// Its ``description`` is the redacted URL (`postgres://user:***@host:port/db`).
///
/// > Note: PostgresNIO also declares a (legacy) `PostgresStorage` protocol. A file that imports both `Storage`
/// > and `PostgresNIO` writes `PostgresStorage`.
public struct PostgresStorage: Service, Sendable, CustomStringConvertible {
    /// Where the database is.
    public let url: PostgresURL
    /// The connection pool, for the systems' queries. It serves connections only while ``run()`` runs.
    public let pool: PostgresPool
    /// Opens the pool's connections: ``PostgresPoolConnectionFactory/rotateCredentials(username:password:)``
    /// then ``ConnectionPool/replaceAllConnections()`` rotate the password without failing work in flight.
    public let factory: PostgresPoolConnectionFactory
    /// The logger for the pool's background events and internal queries.
    let logger: Logger

    /// The pool's settings unless told otherwise: up to 20 connections (PostgresNIO's `PostgresClient` default),
    /// none kept open while idle.
    public static var defaultPoolConfiguration: PoolConfiguration {
        var configuration = PoolConfiguration()
        configuration.minimum = 0
        configuration.maximum = 20
        return configuration
    }

    /// Creates the database handle; no connection is made until ``run()`` runs.
    /// - Parameters:
    ///   - url: Where the database is.
    ///   - pool: Sizes and timeouts of the connection pool.
    ///   - applicationName: What `pg_stat_activity.application_name` shows for the pool's connections.
    ///   - logger: The logger for the pool's background events.
    /// - Throws: `StorageError` with code `invalidURL` when the TLS context cannot be built or the pool's
    ///   configuration is invalid.
    public init(
        url: PostgresURL,
        pool: PoolConfiguration = Self.defaultPoolConfiguration,
        applicationName: String = "mastery",
        logger: Logger
    ) throws {
        self.url = url
        self.logger = logger
        do {
            factory = PostgresPoolConnectionFactory(
                configuration: try url.connectionConfiguration(),
                applicationName: applicationName,
                logger: logger
            )
            self.pool = try PostgresPool(factory: factory, configuration: pool, logger: logger)
        } catch {
            throw StorageError(
                code: .invalidURL,
                message: "cannot set up PostgreSQL at \(url.redacted): \(Self.describe(error))",
                underlying: error
            )
        }
    }

    /// Creates the database handle from a URL string, with the default pool.
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port][/database][?sslmode=…]` (see ``PostgresURL``).
    ///   - logger: The logger for the pool's background events.
    /// - Throws: `StorageError` with code `invalidURL`.
    public init(url: String, logger: Logger) throws {
        try self.init(url: try PostgresURL(url), logger: logger)
    }

    /// Runs the connection pool until the task is cancelled or graceful shutdown begins.
    public func run() async throws {
        try await pool.run()
    }

    /// Checks that the database answers (`SELECT 1`), for readiness probes. While the server is unreachable the
    /// pool fails at once with the reason (after its acquire timeout at most).
    /// - Throws: `StorageError` with code `connectionFailed`.
    public func ping() async throws {
        do {
            try await pool.query("SELECT 1", label: "storage.ping")
        } catch {
            throw StorageError(
                code: .connectionFailed,
                message: "PostgreSQL at \(url.redacted) did not answer: \(Self.describe(error))",
                underlying: error
            )
        }
    }

    /// The redacted URL.
    public var description: String { "PostgresStorage(\(url.redacted))" }

    /// A short description of a PostgresNIO or pool error: the server's message and SQLSTATE, or the connection
    /// failure.
    /// Never the query text, which `PSQLError`'s debug description holds.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? StorageError { return error.message }
        if let error = error as? PoolError { return error.message }
        guard let error = error as? PSQLError else { return "\(type(of: error))" }
        if let info = error.serverInfo {
            let message = info[.message] ?? "server error"
            return info[.sqlState].map { "\(message) (SQLSTATE \($0))" } ?? message
        }
        if let underlying = error.underlying {
            return "\(error.code): \(underlying)"
        }
        return "\(error.code)"
    }
}
