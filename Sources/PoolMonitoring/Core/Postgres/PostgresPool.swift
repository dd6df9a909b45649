public import Logging
public import PostgresNIO

/// The pool that `Storage` gives every system: PostgresNIO connections on the continuous clock.
public typealias PostgresPool = ConnectionPool<PostgresPoolConnectionFactory, ContinuousClock>

extension ConnectionPool where Factory == PostgresPoolConnectionFactory {
    /// Runs one statement on a pooled connection and returns its rows, read whole (the connection goes back to the
    /// pool before this returns).
    /// - Parameters:
    ///   - query: The statement, with its binds.
    ///   - label: Who runs it, for leak reports and exhaustion errors.
    ///   - logger: For PostgresNIO's events; nil logs nothing.
    ///   - file: Where it runs from (leak reports).
    ///   - line: Where it runs from (leak reports).
    /// - Returns: Every row.
    /// - Throws: ``PoolError`` (no connection, the connection broke), or the server's `PSQLError`.
    @discardableResult
    public func query(
        _ query: PostgresQuery,
        label: String = "query",
        logger: Logger? = nil,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> [PostgresRow] {
        let logger = logger ?? factory.logger
        return try await withConnection(label: label, file: file, line: line) { pooled in
            try await pooled.query(query, logger: logger, file: file, line: line).collect()
        }
    }

    /// Runs `body` in a transaction on a pooled connection: `BEGIN`, then `COMMIT` when `body` returns or
    /// `ROLLBACK` when it throws (or the connection is closed if even that fails).
    /// - Parameters:
    ///   - label: Who runs it, for leak reports and exhaustion errors.
    ///   - logger: For PostgresNIO's events; nil logs nothing.
    ///   - file: Where it runs from (leak reports).
    ///   - line: Where it runs from (leak reports).
    ///   - body: The work, on the transaction's connection.
    /// - Returns: What `body` returns, once committed.
    /// - Throws: ``PoolError``, the server's error (a failed `COMMIT` included), or what `body` throws.
    public func withTransaction<Result>(
        label: String = "transaction",
        logger: Logger? = nil,
        file: String = #fileID,
        line: Int = #line,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresPooledConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? factory.logger
        return try await withConnection(label: label, file: file, line: line) { pooled in
            do {
                try await pooled.run("BEGIN", logger: logger)
                let result = try await body(pooled)
                try await pooled.run("COMMIT", logger: logger)
                return result
            } catch {
                // Whatever state the transaction is in, the release rolls it back (or closes the connection).
                pooled.session.markDirty()
                throw error
            }
        }
    }
}
