import Foundation
import Testing

@testable import Storage

/// The migrator's pure planning: what is pending, and which records stop startup.
@Suite struct MigratorTests {
    let set = SchemaMigrations(
        system: "jobs",
        [
            Migration(version: 1, name: "one", sql: "CREATE TABLE a (id INTEGER)"),
            Migration(version: 2, name: "two", sql: "CREATE TABLE b (id INTEGER)"),
        ]
    )

    func record(_ migration: Migration, checksum: String? = nil) -> AppliedMigration {
        AppliedMigration(
            system: "jobs",
            version: migration.version,
            name: migration.name,
            checksum: checksum ?? migration.sqliteChecksum,
            appliedAt: Date(timeIntervalSince1970: 0)
        )
    }

    @Test("plans the unapplied migrations in order")
    func pending() throws {
        #expect(try Migrator.pendingMigrations(set, engine: .sqlite, applied: []) == set.migrations)
        let applied = [record(set.migrations[0])]
        #expect(try Migrator.pendingMigrations(set, engine: .sqlite, applied: applied) == [set.migrations[1]])
    }

    @Test("the checksum is the SHA-256 of the engine's SQL")
    func checksum() {
        let migration = Migration(version: 1, name: "x", postgres: "abc", sqlite: "")
        #expect(migration.postgresChecksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(migration.sqliteChecksum == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("a mismatching checksum and an unknown version are errors")
    func errors() throws {
        let edited = [record(set.migrations[0], checksum: String(repeating: "0", count: 64))]
        let mismatch = try #require(throws: StorageError.self) {
            try Migrator.pendingMigrations(set, engine: .sqlite, applied: edited)
        }
        #expect(mismatch.code == .checksumMismatch)
        let unknown = [record(Migration(version: 3, name: "future", sql: ""))]
        let error = try #require(throws: StorageError.self) {
            try Migrator.pendingMigrations(set, engine: .sqlite, applied: unknown)
        }
        #expect(error.code == .unknownAppliedMigration)
        #expect(error.description.contains("jobs/3 \"future\""))
    }
}
