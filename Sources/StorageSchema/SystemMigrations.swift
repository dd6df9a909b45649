/// The storage tiers a system's schema can live in.
public enum StorageTier: String, Hashable, Sendable, CaseIterable {
    /// The embedded SQLite database every server has.
    case sqlite
    /// The shared PostgreSQL server, when one is configured.
    case postgres
}

/// A system's migrations, declared per tier: the composition root applies ``sqlite`` to the embedded database
/// before any system is built, and ``postgres`` to the shared PostgreSQL (when one is configured) before the
/// server listens. A system never migrates by hand; a table that belongs to one tier only is declared for it only.
public struct SystemMigrations: Hashable, Sendable {
    /// The migrations of the embedded SQLite database.
    public var sqlite: SchemaMigrations?
    /// The migrations of the shared PostgreSQL server.
    public var postgres: SchemaMigrations?

    /// Creates the declaration.
    public init(sqlite: SchemaMigrations? = nil, postgres: SchemaMigrations? = nil) {
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// No schema.
    public static let none = SystemMigrations()

    /// The migrations of `tier`.
    public func migrations(for tier: StorageTier) -> SchemaMigrations? {
        switch tier {
        case .sqlite: sqlite
        case .postgres: postgres
        }
    }
}
