import Logging
import Storage
import TestSupport
import Testing

/// The same migration suite, on SQLite and on PostgreSQL.
@Suite(.timeLimit(.minutes(2)))
struct MigrationTests {
    let logger = TestPostgres.quietLogger

    static let notes = SchemaMigrations(
        system: "notes",
        [
            Migration(
                version: 1,
                name: "create notes",
                postgres: "CREATE TABLE notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)",
                sqlite: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
            ),
            Migration(
                version: 2,
                name: "seed notes",
                sql: """
                    -- two statements; the second holds a ';' inside a string
                    INSERT INTO notes (body) VALUES ('first');
                    INSERT INTO notes (body) VALUES ('semi;colon');
                    """
            ),
            Migration(version: 3, name: "index notes", sql: "CREATE INDEX notes_body ON notes (body)"),
        ]
    )

    static let tags = SchemaMigrations(
        system: "tags",
        [Migration(version: 1, name: "create tags", sql: "CREATE TABLE tags (name TEXT PRIMARY KEY)")]
    )

    @Test("applies migrations in order and records their checksums", arguments: TestEngine.enabled)
    func appliesInOrder(engine: TestEngine) async throws {
        try await engine.withDatabase { database in
            try await database.migrate([Self.notes, Self.tags], logger: logger)
            let applied = try await database.appliedMigrations(system: "notes")
            #expect(applied.map(\.version) == [1, 2, 3])
            #expect(applied.map(\.name) == ["create notes", "seed notes", "index notes"])
            #expect(applied.map(\.checksum) == Self.notes.migrations.map { database.checksum(of: $0) })
            #expect(applied.allSatisfy { $0.checksum.count == 64 })
            #expect(try await database.integers("SELECT count(*) FROM notes") == [2])
            #expect(try await database.appliedMigrations(system: "tags").map(\.version) == [1])
            try await database.ping()
        }
    }

    @Test("re-running is a no-op, and new migrations are applied on top", arguments: TestEngine.enabled)
    func rerunIsNoOp(engine: TestEngine) async throws {
        try await engine.withDatabase { database in
            let first = SchemaMigrations(system: "notes", Array(Self.notes.migrations.prefix(2)))
            try await database.migrate([first], logger: logger)
            let before = try await database.appliedMigrations(system: "notes")
            try await database.migrate([first], logger: logger)
            #expect(try await database.appliedMigrations(system: "notes") == before)
            #expect(try await database.integers("SELECT count(*) FROM notes") == [2])

            try await database.migrate([Self.notes], logger: logger)
            let after = try await database.appliedMigrations(system: "notes")
            #expect(after.map(\.version) == [1, 2, 3])
            #expect(Array(after.prefix(2)) == before)
            #expect(try await database.integers("SELECT count(*) FROM notes") == [2])
        }
    }

    @Test("a failing migration leaves the database as it was and names itself", arguments: TestEngine.enabled)
    func failingMigrationRollsBack(engine: TestEngine) async throws {
        try await engine.withDatabase { database in
            try await database.migrate([Self.tags], logger: logger)
            let broken = SchemaMigrations(
                system: "tags",
                Self.tags.migrations + [
                    Migration(
                        version: 2,
                        name: "half done",
                        sql: """
                            CREATE TABLE half_done (id INTEGER);
                            INSERT INTO tags (name) VALUES ('secret-value');
                            THIS IS NOT SQL;
                            """
                    ),
                    Migration(version: 3, name: "after", sql: "CREATE TABLE after_broken (id INTEGER)"),
                ]
            )
            let error = try await #require(throws: StorageError.self) {
                try await database.migrate([broken], logger: logger)
            }
            #expect(error.code == .migrationFailed)
            #expect(error.description.contains("tags/2 \"half done\""))
            #expect(!error.description.contains("secret-value"))
            #expect(!error.description.contains("CREATE TABLE"))
            #expect(try await database.tableExists("half_done") == false)
            #expect(try await database.tableExists("after_broken") == false)
            #expect(try await database.integers("SELECT count(*) FROM tags") == [0])
            #expect(try await database.appliedMigrations(system: "tags").map(\.version) == [1])

            // The lock (on PostgreSQL) was released: migrating again works.
            try await database.migrate([Self.tags, Self.notes], logger: logger)
            #expect(try await database.appliedMigrations(system: "notes").count == 3)
        }
    }

    @Test("an applied migration that was edited stops migration", arguments: TestEngine.enabled)
    func checksumMismatch(engine: TestEngine) async throws {
        try await engine.withDatabase { database in
            try await database.migrate([Self.notes], logger: logger)
            var edited = Self.notes
            edited.migrations[1].postgres += "\nINSERT INTO notes (body) VALUES ('third');"
            edited.migrations[1].sqlite += "\nINSERT INTO notes (body) VALUES ('third');"
            edited.migrations.append(Migration(version: 4, name: "later", sql: "CREATE TABLE later (id INTEGER)"))
            let error = try await #require(throws: StorageError.self) {
                try await database.migrate([edited], logger: logger)
            }
            #expect(error.code == .checksumMismatch)
            #expect(error.description.contains("notes/2 \"seed notes\""))
            #expect(try await database.tableExists("later") == false)
            #expect(try await database.integers("SELECT count(*) FROM notes") == [2])
        }
    }

    @Test("an applied version the code does not declare stops migration", arguments: TestEngine.enabled)
    func unknownAppliedVersion(engine: TestEngine) async throws {
        try await engine.withDatabase { database in
            try await database.migrate([Self.notes], logger: logger)
            let older = SchemaMigrations(system: "notes", Array(Self.notes.migrations.prefix(2)))
            let error = try await #require(throws: StorageError.self) {
                try await database.migrate([older], logger: logger)
            }
            #expect(error.code == .unknownAppliedMigration)
            #expect(error.description.contains("notes/3 \"index notes\""))
        }
    }

    @Test("invalid sets are rejected before anything runs", arguments: TestEngine.enabled)
    func invalidSetsRejected(engine: TestEngine) async throws {
        let table = "CREATE TABLE never (id INTEGER)"
        let invalid: [[SchemaMigrations]] = [
            [SchemaMigrations(system: "", [Migration(version: 1, name: "a", sql: table)])],
            [SchemaMigrations(system: "Bad-Name", [Migration(version: 1, name: "a", sql: table)])],
            [SchemaMigrations(system: "gap", [Migration(version: 2, name: "a", sql: table)])],
            [
                SchemaMigrations(
                    system: "twice",
                    [Migration(version: 1, name: "a", sql: table), Migration(version: 1, name: "b", sql: table)]
                )
            ],
            [
                SchemaMigrations(
                    system: "order",
                    [Migration(version: 2, name: "a", sql: table), Migration(version: 1, name: "b", sql: table)]
                )
            ],
            [SchemaMigrations(system: "unnamed", [Migration(version: 1, name: " ", sql: table)])],
            [Self.tags, Self.tags],
        ]
        try await engine.withDatabase { database in
            for sets in invalid {
                let error = try await #require(throws: StorageError.self) {
                    try await database.migrate(sets, logger: logger)
                }
                #expect(error.code == .invalidMigrations, "\(error)")
            }
            #expect(try await database.tableExists("never") == false)
        }
    }
}
