/// One forward-only step of a system's schema, with its SQL for each engine.
///
/// A migration may hold several statements separated by `;`. Once applied somewhere, a migration must never be
/// edited: its SHA-256 checksum is recorded, and a mismatch stops startup. Change the schema with a new migration.
///
/// ```swift
/// Migration(
///     version: 1,
///     name: "create jobs",
///     postgres: "CREATE TABLE jobs (id BIGSERIAL PRIMARY KEY, payload JSONB NOT NULL)",
///     sqlite: "CREATE TABLE jobs (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"
/// )
/// ```
public struct Migration: Hashable, Sendable {
    /// The migration's position in its system: 1, 2, 3, … with no gaps.
    public var version: Int
    /// A short human name, shown in logs and errors (`create jobs`).
    public var name: String
    /// The SQL run on PostgreSQL. Empty means "nothing to do on this engine"; the version is still recorded.
    public var postgres: String
    /// The SQL run on SQLite. Empty means "nothing to do on this engine"; the version is still recorded.
    public var sqlite: String

    /// Creates a migration with different SQL for each engine.
    /// - Parameters:
    ///   - version: The position in the system's sequence, starting at 1.
    ///   - name: A short human name.
    ///   - postgres: The PostgreSQL SQL (one or more statements).
    ///   - sqlite: The SQLite SQL (one or more statements).
    public init(version: Int, name: String, postgres: String, sqlite: String) {
        self.version = version
        self.name = name
        self.postgres = postgres
        self.sqlite = sqlite
    }

    /// Creates a migration whose SQL is the same on both engines.
    /// - Parameters:
    ///   - version: The position in the system's sequence, starting at 1.
    ///   - name: A short human name.
    ///   - sql: The SQL for both engines (one or more statements).
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name, postgres: sql, sqlite: sql)
    }
}
