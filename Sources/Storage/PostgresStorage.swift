public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// A PostgreSQL database: a PostgresNIO `PostgresClient` (a connection pool) run as a lifecycle service.
///
/// Add it to the `ServiceGroup` (its ``run()`` runs the pool), then migrate and hand ``client`` to the systems:
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
    public let client: PostgresClient
    /// The logger for the pool's background events and internal queries.
    let logger: Logger

    /// Creates the database handle; no connection is made until ``run()`` runs and a query needs one.
    /// - Parameters:
    ///   - url: Where the database is.
    ///   - logger: The logger for the pool's background events.
    public init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        self.client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
    }

    /// Creates the database handle from a URL string.
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port][/database][?sslmode=…]` (see ``PostgresURL``).
    ///   - logger: The logger for the pool's background events.
    /// - Throws: `StorageError` with code `invalidURL`.
    public init(url: String, logger: Logger) throws {
        self.init(url: try PostgresURL(url), logger: logger)
    }

    /// Runs the connection pool until the task is cancelled or graceful shutdown begins.
    public func run() async throws {
        await client.run()
    }

    /// Checks that the database answers (`SELECT 1`), for readiness probes.
    ///
    /// While the server is unreachable, PostgresNIO retries connecting and fails waiting queries after about a
    /// minute; wrap the call in a deadline where an answer is needed sooner.
    /// - Throws: `StorageError` with code `connectionFailed`.
    public func ping() async throws {
        do {
            let rows = try await client.query("SELECT 1")
            for try await _ in rows {}
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

    /// A short description of a PostgresNIO error: the server's message and SQLSTATE, or the connection failure.
    /// Never the query text, which `PSQLError`'s debug description holds.
    static func describe(_ error: any Error) -> String {
        if let error = error as? StorageError { return error.message }
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
