import Logging

/// The engine-specific operations the migrator needs; the engine guarantees that no other instance migrates
/// between `appliedMigrations` and the last `apply` (PostgreSQL: an advisory lock; SQLite: `apply` re-checks inside
/// its write transaction).
protocol MigrationConnection {
    /// Creates `mastery_schema_migrations` if it does not exist.
    func createTable() async throws
    /// The migrations recorded for a system.
    func appliedMigrations(system: String) async throws -> [AppliedMigration]
    /// Runs the migration's SQL and records it, in one transaction.
    /// - Returns: `false` if another instance recorded this version meanwhile (nothing was run).
    func apply(_ migration: Migration, system: String, checksum: String) async throws -> Bool
    /// A short, password-free description of an engine error (never the SQL text).
    func describe(_ error: any Error) -> String
}

/// Applies sets of migrations in order, checking what is already applied. The I/O is the connection's.
enum Migrator {
    static let table = "mastery_schema_migrations"

    static func migrate(
        _ sets: [SchemaMigrations],
        engine: SQLEngine,
        on connection: some MigrationConnection,
        logger: Logger
    ) async throws {
        try SchemaMigrations.validate(sets)
        do {
            try await connection.createTable()
        } catch {
            throw StorageError(
                code: .migrationFailed,
                message: "could not create the \(table) table: \(connection.describe(error))",
                underlying: error
            )
        }
        for set in sets {
            let applied: [AppliedMigration]
            do {
                applied = try await connection.appliedMigrations(system: set.system)
            } catch {
                throw StorageError(
                    code: .migrationFailed,
                    message: "could not read the applied migrations of system \"\(set.system)\": "
                        + connection.describe(error),
                    underlying: error
                )
            }
            let pending = try pendingMigrations(set, engine: engine, applied: applied)
            if pending.isEmpty {
                logger.debug("Schema up to date", metadata: ["storage.system": "\(set.system)"])
            }
            for migration in pending {
                try await apply(migration, system: set.system, engine: engine, on: connection, logger: logger)
            }
        }
    }

    /// The migrations still to apply, after checking the applied ones against the code.
    /// - Throws: `unknownAppliedMigration` or `checksumMismatch`.
    static func pendingMigrations(
        _ set: SchemaMigrations,
        engine: SQLEngine,
        applied: [AppliedMigration]
    ) throws -> [Migration] {
        let declared = Dictionary(uniqueKeysWithValues: set.migrations.map { ($0.version, $0) })
        for record in applied.sorted(by: { $0.version < $1.version }) {
            guard let migration = declared[record.version] else {
                throw StorageError(
                    code: .unknownAppliedMigration,
                    message: "the database has migration \(record.system)/\(record.version) \"\(record.name)\" "
                        + "applied, but the code declares no such version for system \"\(set.system)\" (the code "
                        + "declares \(set.migrations.count) migration(s)); is this an older build of the server?"
                )
            }
            try checkChecksum(of: migration, system: set.system, engine: engine, recorded: record.checksum)
        }
        let appliedVersions = Set(applied.map(\.version))
        return set.migrations.filter { !appliedVersions.contains($0.version) }
    }

    static func checkChecksum(of migration: Migration, system: String, engine: SQLEngine, recorded: String) throws {
        guard migration.checksum(for: engine) == recorded else {
            throw StorageError(
                code: .checksumMismatch,
                message: "migration \(migration.label(system: system)) was edited after it was applied (its "
                    + "checksum no longer matches the recorded one); never edit an applied migration: restore it "
                    + "and add a new migration instead"
            )
        }
    }

    private static func apply(
        _ migration: Migration,
        system: String,
        engine: SQLEngine,
        on connection: some MigrationConnection,
        logger: Logger
    ) async throws {
        let metadata: Logger.Metadata = [
            "storage.system": "\(system)", "storage.version": "\(migration.version)",
            "storage.migration": "\(migration.name)",
        ]
        let applied: Bool
        do {
            applied = try await connection.apply(migration, system: system, checksum: migration.checksum(for: engine))
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(
                code: .migrationFailed,
                message: "migration \(migration.label(system: system)) failed and was rolled back, so the database "
                    + "is as it was before it: \(connection.describe(error))",
                underlying: error
            )
        }
        if applied {
            logger.info("Applied migration", metadata: metadata)
        } else {
            logger.debug("Migration applied by another instance", metadata: metadata)
        }
    }
}
