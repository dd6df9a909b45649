import Foundation
import Logging
import PostgresNIO

/// The migrator's operations on one PostgreSQL connection (which holds the migration advisory lock).
struct PostgresMigrationConnection: MigrationConnection {
    let connection: PostgresConnection
    let logger: Logger

    func createTable() async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS mastery_schema_migrations (
                system TEXT NOT NULL,
                version INTEGER NOT NULL,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (system, version)
            )
            """,
            logger: logger
        )
    }

    func appliedMigrations(system: String) async throws -> [AppliedMigration] {
        let rows = try await connection.query(
            """
            SELECT version, name, checksum, applied_at FROM mastery_schema_migrations
            WHERE system = \(system) ORDER BY version
            """,
            logger: logger
        )
        var applied: [AppliedMigration] = []
        for try await (version, name, checksum, appliedAt) in rows.decode((Int, String, String, Date).self) {
            applied.append(
                AppliedMigration(system: system, version: version, name: name, checksum: checksum, appliedAt: appliedAt)
            )
        }
        return applied
    }

    /// Runs the statements one by one (see `PostgresStatements`) between `BEGIN` and `COMMIT`, then the record.
    func apply(_ migration: Migration, system: String, checksum: String) async throws -> Bool {
        let statements = PostgresStatements.split(migration.postgres)
        try await connection.query("BEGIN", logger: logger)
        do {
            for (index, statement) in statements.enumerated() {
                do {
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    for try await _ in rows {}
                } catch {
                    throw StatementError(index: index, count: statements.count, underlying: error)
                }
            }
            try await connection.query(
                """
                INSERT INTO mastery_schema_migrations (system, version, name, checksum)
                VALUES (\(system), \(migration.version), \(migration.name), \(checksum))
                """,
                logger: logger
            )
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        return true
    }

    func describe(_ error: any Error) -> String {
        if let error = error as? StatementError {
            return "statement \(error.index + 1) of \(error.count): \(PostgresStorage.describe(error.underlying))"
        }
        return PostgresStorage.describe(error)
    }

    /// Which statement of a migration failed.
    struct StatementError: Error {
        var index: Int
        var count: Int
        var underlying: any Error
    }
}
