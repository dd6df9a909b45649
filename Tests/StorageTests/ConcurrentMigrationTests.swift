import Logging
import PostgresNIO
import Storage
import TestSupport
import Testing

/// Several instances starting together against one PostgreSQL database.
@Suite(
    .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test"),
    .timeLimit(.minutes(2))
)
struct ConcurrentMigrationTests {
    /// Each migration would fail if applied twice (CREATE TABLE), and counts its runs in `runs`.
    static func sets() -> [SchemaMigrations] {
        ["alpha", "beta", "gamma"].map { system in
            SchemaMigrations(
                system: system,
                (1...5).map { version in
                    Migration(
                        version: version,
                        name: "step \(version)",
                        postgres: """
                            CREATE TABLE IF NOT EXISTS runs (system TEXT NOT NULL, version INTEGER NOT NULL);
                            CREATE TABLE \(system)_\(version) (id INTEGER);
                            INSERT INTO runs VALUES ('\(system)', \(version));
                            SELECT pg_sleep(0.01);
                            """,
                        sqlite: ""
                    )
                }
            )
        }
    }

    @Test("instances migrating together all succeed and apply each migration exactly once")
    func concurrentInstances() async throws {
        try await TestPostgres.withDatabase { url in
            let instances = try (0..<4).map { _ in
                try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
            }
            let sets = Self.sets()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for instance in instances {
                    group.addTask {
                        try await TestPostgres.withRunning(instance) {
                            try await instance.migrate(sets, logger: TestPostgres.quietLogger)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // A client runs once: check through a fresh one.
            let checker = try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
            try await TestPostgres.withRunning(checker) {
                let rows = try await checker.pool.query(
                    "SELECT count(*), count(DISTINCT (system, version)) FROM runs"
                )
                for (total, distinct) in try rows.map({ try $0.decode((Int, Int).self) }) {
                    #expect(total == 15)
                    #expect(distinct == 15)
                }
                for set in sets {
                    #expect(try await checker.appliedMigrations(system: set.system).map(\.version) == [1, 2, 3, 4, 5])
                }
            }
        }
    }

    @Test("a migration that controls transactions itself is rejected")
    func transactionControlRejected() async throws {
        try await TestPostgres.withDatabase { url in
            let database = try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
            let sets = [
                SchemaMigrations(
                    system: "tx",
                    [Migration(version: 1, name: "commits", sql: "CREATE TABLE a (id INTEGER);\n-- done\ncommit;")]
                )
            ]
            try await TestPostgres.withRunning(database) {
                let error = try await #require(throws: StorageError.self) {
                    try await database.migrate(sets, logger: TestPostgres.quietLogger)
                }
                #expect(error.code == .invalidMigrations)
                #expect(error.description.contains("tx/1 \"commits\""))
                #expect(try await database.appliedMigrations(system: "tx").isEmpty)
            }
        }
    }
}
