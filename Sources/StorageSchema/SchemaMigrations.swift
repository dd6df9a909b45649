/// A system's named, ordered set of migrations.
///
/// Declare it once, next to the system's store, and hand it to `PostgresStorage.migrate(_:logger:)` or
/// `SQLiteStorage.migrate(_:logger:)` at startup:
///
/// ```swift
/// static let migrations = SchemaMigrations(system: "jobs", [
///     Migration(version: 1, name: "create jobs", postgres: "…", sqlite: "…"),
///     Migration(version: 2, name: "index jobs by queue", sql: "CREATE INDEX jobs_queue ON jobs (queue)"),
/// ])
/// ```
///
/// The rules (checked by ``validate()``, and again by every `migrate`): the system name is non-empty and made of
/// `a-z`, `0-9` and `_`; versions are 1, 2, 3, … in order, without gaps or repeats; every migration has a name.
public struct SchemaMigrations: Hashable, Sendable {
    /// The system's name, the key its migrations are recorded under (`jobs`).
    public var system: String
    /// The migrations, in version order.
    public var migrations: [Migration]

    /// Creates a system's set of migrations. It is validated by ``validate()`` and when it is applied.
    /// - Parameters:
    ///   - system: The system's name: non-empty, `a-z`, `0-9` and `_` only.
    ///   - migrations: The migrations, versions 1, 2, 3, … in order.
    public init(system: String, _ migrations: [Migration]) {
        self.system = system
        self.migrations = migrations
    }
}
