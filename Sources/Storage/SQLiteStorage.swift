import Foundation
public import GRDB

/// An SQLite database file, opened as a GRDB `DatabasePool` in WAL mode: concurrent readers and one serialised
/// writer, whose async `read`/`write` suspend instead of blocking.
///
/// ```swift
/// let database = try SQLiteStorage(path: "data/mastery.sqlite")
/// try await database.migrate([SQLiteJobStore.migrations], logger: logger)
/// let store = SQLiteJobStore(storage: database)
/// ```
public struct SQLiteStorage: Sendable, CustomStringConvertible {
    /// The database file's path.
    public let path: String
    /// The connection pool, for the systems' reads and writes.
    public let pool: DatabasePool

    /// Opens (creating if needed) the database file and its parent folder.
    ///
    /// A writer that finds the database locked by another process waits up to `busyTimeout` before failing.
    /// - Parameters:
    ///   - path: The database file's path.
    ///   - busyTimeout: How long a write waits for another process's lock.
    /// - Throws: `StorageError` with code `connectionFailed` if the folder or the file cannot be opened.
    public init(path: String, busyTimeout: Duration = .seconds(10)) throws {
        self.path = path
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            let timeout = busyTimeout.components
            configuration.busyMode = .timeout(Double(timeout.seconds) + Double(timeout.attoseconds) * 1e-18)
            self.pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StorageError(
                code: .connectionFailed,
                message: "could not open the SQLite database at \(path): \(Self.describe(error))",
                underlying: error
            )
        }
    }

    /// Checks that the database answers (`SELECT 1`), for readiness probes.
    /// - Throws: `StorageError` with code `connectionFailed`.
    public func ping() async throws {
        do {
            _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        } catch {
            throw StorageError(
                code: .connectionFailed,
                message: "the SQLite database at \(path) did not answer: \(Self.describe(error))",
                underlying: error
            )
        }
    }

    /// Closes the pool; later accesses fail. Call it after the systems using ``pool`` have stopped.
    /// - Throws: A GRDB error if a connection cannot be closed.
    public func close() throws {
        try pool.close()
    }

    /// `SQLiteStorage(path)`.
    public var description: String { "SQLiteStorage(\(path))" }

    /// A short description of a GRDB error: SQLite's result code and message, never the SQL text that GRDB's
    /// own description includes.
    static func describe(_ error: any Error) -> String {
        if let error = error as? StorageError { return error.message }
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        }
        if let error = error as? CocoaError { return "\(error.code)" }
        return "\(type(of: error))"
    }
}
