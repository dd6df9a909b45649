import Foundation
import GRDB
import Logging
import PostgresNIO
import Storage
import TestSupport
import Testing

/// One engine the shared migration suite runs on.
enum TestEngine: String, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    /// SQLite always; PostgreSQL when a server is there or the run demands one (then a missing one fails).
    static var enabled: [TestEngine] {
        TestServers.shouldRun(TestServers.postgresURL) ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }

    /// Runs `body` against a fresh, empty database of this engine.
    func withDatabase(_ body: (any MigrationTarget) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await TestSQLite.withTemporaryPath { path in
                let database = try SQLiteStorage(path: path)
                defer { try? database.close() }
                try await body(database)
            }
        case .postgres:
            try await TestPostgres.withDatabase { url in
                let database = try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
                try await TestPostgres.withRunning(database) { try await body(database) }
            }
        }
    }
}

/// What the shared suite needs from either database.
protocol MigrationTarget: Sendable {
    func migrate(_ sets: [SchemaMigrations], logger: Logger) async throws
    func appliedMigrations(system: String) async throws -> [AppliedMigration]
    func ping() async throws
    /// Whether a table of that name exists.
    func tableExists(_ name: String) async throws -> Bool
    /// The integers in the first column of a query's rows.
    func integers(_ sql: String) async throws -> [Int]
    /// The checksum this engine records for a migration.
    func checksum(of migration: Migration) -> String
}

extension SQLiteStorage: MigrationTarget {
    func tableExists(_ name: String) async throws -> Bool {
        try await pool.read { db in try db.tableExists(name) }
    }

    func integers(_ sql: String) async throws -> [Int] {
        try await pool.read { db in try Int.fetchAll(db, sql: sql) }
    }

    func checksum(of migration: Migration) -> String { migration.sqliteChecksum }
}

extension PostgresStorage: MigrationTarget {
    func tableExists(_ name: String) async throws -> Bool {
        let rows = try await pool.query("SELECT to_regclass(\(name)) IS NOT NULL")
        return try rows.first?.decode(Bool.self) ?? false
    }

    func integers(_ sql: String) async throws -> [Int] {
        try await pool.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(Int.self) }
    }

    func checksum(of migration: Migration) -> String { migration.postgresChecksum }
}
