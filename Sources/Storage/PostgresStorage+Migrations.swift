public import Logging
import PostgresNIO

extension PostgresStorage {
    /// The advisory lock key that serialises migrations across instances (`mastery!` in ASCII).
    static let migrationLockKey: Int64 = 0x6D61_7374_6572_7921

    /// Applies the sets' pending migrations, in order; at startup, before the systems serve.
    ///
    /// Everything happens on one connection holding a session-level `pg_advisory_lock`, so a second instance
    /// starting at the same time waits, then finds the migrations applied. Each migration's statements and its
    /// record in `mastery_schema_migrations` commit in one transaction: a failing migration leaves nothing behind.
    /// - Parameters:
    ///   - sets: The systems' migrations.
    ///   - logger: Receives one `.info` line per applied migration.
    /// - Throws: `StorageError` with code `invalidMigrations`, `checksumMismatch`, `unknownAppliedMigration`,
    ///   `migrationFailed` or `connectionFailed`; nothing after the failing migration is applied.
    public func migrate(_ sets: [SchemaMigrations], logger: Logger) async throws {
        try SchemaMigrations.validate(sets)
        try Self.rejectTransactionControl(in: sets)
        try await withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLockKey))", logger: logger)
            do {
                let target = PostgresMigrationConnection(connection: connection, logger: logger)
                try await Migrator.migrate(sets, engine: .postgres, on: target, logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: logger)
        }
    }

    /// The migrations recorded for a system, in version order (empty before the first migration ran).
    /// - Throws: `StorageError` with code `connectionFailed`.
    public func appliedMigrations(system: String) async throws -> [AppliedMigration] {
        try await withConnection { connection in
            let exists = try await connection.query("SELECT to_regclass(\(Migrator.table)) IS NOT NULL", logger: logger)
                .decode(Bool.self).first { _ in true }
            guard exists == true else { return [] }
            return try await PostgresMigrationConnection(connection: connection, logger: logger)
                .appliedMigrations(system: system)
        }
    }

    /// Leases a connection; a failure to get one becomes `connectionFailed`.
    private func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var leased = false
        do {
            return try await pool.withConnection(label: "storage.migrations") { pooled in
                leased = true
                return try await body(pooled.connection)
            }
        } catch let error as StorageError {
            throw error
        } catch  where !leased {
            throw StorageError(
                code: .connectionFailed,
                message: "could not connect to PostgreSQL at \(url.redacted): \(Self.describe(error))",
                underlying: error
            )
        } catch {
            throw StorageError(
                code: .migrationFailed,
                message: "PostgreSQL at \(url.redacted) failed: \(Self.describe(error))",
                underlying: error
            )
        }
    }

    private static func rejectTransactionControl(in sets: [SchemaMigrations]) throws {
        for set in sets {
            for migration in set.migrations {
                for statement in PostgresStatements.split(migration.postgres)
                where PostgresStatements.transactionKeywords.contains(PostgresStatements.leadingKeyword(statement)) {
                    throw StorageError(
                        code: .invalidMigrations,
                        message: "invalid migrations for system \"\(set.system)\": migration "
                            + "\(migration.label(system: set.system)) controls transactions ("
                            + "\(PostgresStatements.leadingKeyword(statement))); each migration already runs in "
                            + "its own transaction"
                    )
                }
            }
        }
    }
}
