import GRDB
public import Logging

extension SQLiteStorage {
    /// Applies the sets' pending migrations, in order; at startup, before the systems serve.
    ///
    /// Each migration runs with its record in `mastery_schema_migrations` in one `IMMEDIATE` transaction that
    /// first checks the version is still unrecorded, so two processes opening the same file cannot both apply it.
    /// A failing migration leaves nothing behind.
    /// - Parameters:
    ///   - sets: The systems' migrations.
    ///   - logger: Receives one `.info` line per applied migration.
    /// - Throws: `StorageError` with code `invalidMigrations`, `checksumMismatch`, `unknownAppliedMigration` or
    ///   `migrationFailed`; nothing after the failing migration is applied.
    public func migrate(_ sets: [SchemaMigrations], logger: Logger) async throws {
        try await Migrator.migrate(sets, engine: .sqlite, on: SQLiteMigrationConnection(pool: pool), logger: logger)
    }

    /// The migrations recorded for a system, in version order (empty before the first migration ran).
    /// - Throws: `StorageError` with code `connectionFailed`.
    public func appliedMigrations(system: String) async throws -> [AppliedMigration] {
        do {
            return try await pool.read { db in
                guard try db.tableExists(Migrator.table) else { return [] }
                return try SQLiteMigrationConnection.fetchApplied(db, system: system)
            }
        } catch {
            throw StorageError(
                code: .connectionFailed,
                message: "could not read the applied migrations from \(path): \(Self.describe(error))",
                underlying: error
            )
        }
    }
}

/// The migrator's operations on an SQLite pool.
struct SQLiteMigrationConnection: MigrationConnection {
    let pool: DatabasePool

    func createTable() async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS mastery_schema_migrations (
                        system TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        checksum TEXT NOT NULL,
                        applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                        PRIMARY KEY (system, version)
                    )
                    """
            )
        }
    }

    func appliedMigrations(system: String) async throws -> [AppliedMigration] {
        try await pool.read { db in try Self.fetchApplied(db, system: system) }
    }

    static func fetchApplied(_ db: Database, system: String) throws -> [AppliedMigration] {
        try Row.fetchAll(
            db,
            sql: "SELECT version, name, checksum, applied_at FROM mastery_schema_migrations WHERE system = ? "
                + "ORDER BY version",
            arguments: [system]
        ).map { row in
            AppliedMigration(
                system: system,
                version: row["version"],
                name: row["name"],
                checksum: row["checksum"],
                appliedAt: row["applied_at"]
            )
        }
    }

    func apply(_ migration: Migration, system: String, checksum: String) async throws -> Bool {
        try await pool.writeWithoutTransaction { db in
            var applied = false
            try db.inTransaction(.immediate) {
                let recorded = try String.fetchOne(
                    db,
                    sql: "SELECT checksum FROM mastery_schema_migrations WHERE system = ? AND version = ?",
                    arguments: [system, migration.version]
                )
                if let recorded {
                    // Another process applied it since we read the records.
                    try Migrator.checkChecksum(of: migration, system: system, engine: .sqlite, recorded: recorded)
                    return .rollback
                }
                if !migration.sqlite.isEmpty {
                    try db.execute(sql: migration.sqlite)
                }
                try db.execute(
                    sql: "INSERT INTO mastery_schema_migrations (system, version, name, checksum) VALUES (?, ?, ?, ?)",
                    arguments: [system, migration.version, migration.name, checksum]
                )
                applied = true
                return .commit
            }
            return applied
        }
    }

    func describe(_ error: any Error) -> String { SQLiteStorage.describe(error) }
}
