import Foundation
public import Logging
import PostgresNIO
public import Storage

/// Throwaway PostgreSQL databases for tests, on the server in `MASTERY_TEST_POSTGRES_URL`.
public enum TestPostgres {
    /// Runs `body` with the URL of a fresh, empty database `mastery_t_<random>`, dropped afterwards (also when
    /// `body` throws).
    /// - Parameter body: Receives the new database's URL (with the superuser's credentials).
    /// - Throws: `MissingTestServer` without a server; otherwise what `body` or the server throws.
    public static func withDatabase<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (String) async throws -> Result
    ) async throws -> Result {
        let adminURL = try PostgresURL(try TestServers.requirePostgresURL())
        let admin = try PostgresStorage(url: adminURL, logger: quietLogger)
        let name = "mastery_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        var url = adminURL
        url.database = String(name)
        return try await withRunning(admin) {
            try await admin.pool.query("CREATE DATABASE \(unescaped: url.database)")
            do {
                let result = try await body(url.unredacted)
                try await admin.pool.query("DROP DATABASE IF EXISTS \(unescaped: url.database) WITH (FORCE)")
                return result
            } catch {
                _ = try? await admin.pool.query("DROP DATABASE IF EXISTS \(unescaped: url.database) WITH (FORCE)")
                throw error
            }
        }
    }

    /// Runs `body` while `database.run()` runs in a child task (its pool serves connections), then stops it.
    /// - Parameters:
    ///   - database: The database whose pool to run.
    ///   - body: The work that needs the pool.
    public static func withRunning<Result>(
        _ database: PostgresStorage,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// A logger that discards everything, for the pools tests create.
    public static let quietLogger = Logger(label: "mastery.test", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// Throwaway SQLite files for tests.
public enum TestSQLite {
    /// Runs `body` with the path of a database file in a fresh temporary folder (the file does not exist yet),
    /// and deletes the folder afterwards.
    /// - Parameter body: Receives the path.
    public static func withTemporaryPath<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (String) async throws -> Result
    ) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mastery-test-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder.appendingPathComponent("test.sqlite").path)
    }
}
