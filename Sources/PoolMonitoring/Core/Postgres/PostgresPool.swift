public import Logging
public import PostgresNIO

/// The pool that `Storage` gives every system: PostgresNIO connections on the continuous clock.
public typealias PostgresPool = ConnectionPool<PostgresPoolConnectionFactory, ContinuousClock>

extension ConnectionPool where Factory == PostgresPoolConnectionFactory, C == ContinuousClock {
    /// Runs `body` with a connection, and returns the connection (reset if dirty) when `body` ends, however it
    /// ends: ``ConnectionPool/withConnection(label:queryTimeout:file:line:isolation:_:)`` compiled for these
    /// types (a call from another module runs specialised code, not the generic one).
    /// - Parameters:
    ///   - label: Who holds it, as leak reports and exhaustion errors name it.
    ///   - queryTimeout: When set, what `body` runs longer than this is cancelled on the server.
    ///   - file: Where it was acquired (leak reports).
    ///   - line: Where it was acquired (leak reports).
    ///   - body: The work.
    /// - Throws: ``PoolError``, or what `body` throws.
    public func withConnection<Result>(
        label: String = "unlabelled",
        queryTimeout: Duration? = nil,
        file: String = #fileID,
        line: Int = #line,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresPooledConnection) async throws -> Result
    ) async throws -> Result {
        // `lease` spelled out: checking out and in are then called with concrete types, and so specialised (an
        // async function generic over the caller's result is not).
        let lent = try await checkOut(label: label, file: file, line: line)
        do {
            let result: Result
            if let queryTimeout {
                result = try await run(body, on: lent.borrowed.connection, timeout: queryTimeout)
            } else {
                result = try await body(lent.borrowed.connection)
            }
            await checkIn(lent)
            return result
        } catch {
            await checkIn(lent)
            throw error
        }
    }

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
            try await Self.inTransaction(pooled, logger: logger, body)
        }
    }
}

/// The same API for a pool on another clock (tests, the autoscaler's budget reader): generic, so slower.
extension ConnectionPool where Factory == PostgresPoolConnectionFactory {
    /// Runs one statement and returns its rows: `PostgresPool`'s `query(_:label:logger:file:line:)`, on any clock.
    @discardableResult
    public func query(
        _ query: PostgresQuery,
        label: String = "query",
        logger: Logger? = nil,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> [PostgresRow] {
        try await rows(query, label: label, logger: logger, file: file, line: line)
    }

    /// Runs `body` in a transaction: `PostgresPool`'s `withTransaction(label:logger:file:line:isolation:_:)`, on any
    /// clock.
    public func withTransaction<Result>(
        label: String = "transaction",
        logger: Logger? = nil,
        file: String = #fileID,
        line: Int = #line,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresPooledConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction(label: label, logger: logger, file: file, line: line, body)
    }

    func rows(
        _ query: PostgresQuery,
        label: String,
        logger: Logger?,
        file: String,
        line: Int
    ) async throws
        -> [PostgresRow]
    {
        let logger = logger ?? factory.logger
        return try await lease(label: label, queryTimeout: nil, file: file, line: line) { pooled in
            try await pooled.query(query, logger: logger, file: file, line: line).collect()
        }
    }

    func transaction<Result>(
        label: String,
        logger: Logger?,
        file: String,
        line: Int,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresPooledConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? factory.logger
        return try await lease(label: label, queryTimeout: nil, file: file, line: line) { pooled in
            try await Self.inTransaction(pooled, logger: logger, body)
        }
    }

    /// `BEGIN`, `body`, `COMMIT`; on any failure the session is marked dirty, so the release rolls it back (or
    /// closes the connection).
    static func inTransaction<Result>(
        _ pooled: PostgresPooledConnection,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresPooledConnection) async throws -> Result
    ) async throws -> Result {
        do {
            try await pooled.run("BEGIN", logger: logger)
            let result = try await body(pooled)
            try await pooled.run("COMMIT", logger: logger)
            return result
        } catch {
            pooled.session.markDirty()
            throw error
        }
    }
}
