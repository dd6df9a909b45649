public import Foundation

/// A migration recorded as applied in a database's `mastery_schema_migrations` table.
public struct AppliedMigration: Hashable, Sendable {
    /// The system the migration belongs to.
    public var system: String
    /// The migration's version.
    public var version: Int
    /// The migration's name when it was applied.
    public var name: String
    /// The SHA-256 (lowercase hex) of the SQL that was applied.
    public var checksum: String
    /// When the database applied it (the database's clock).
    public var appliedAt: Date

    /// Creates a record.
    /// - Parameters:
    ///   - system: The system the migration belongs to.
    ///   - version: The migration's version.
    ///   - name: The migration's name.
    ///   - checksum: The SHA-256 (lowercase hex) of the applied SQL.
    ///   - appliedAt: When it was applied.
    public init(system: String, version: Int, name: String, checksum: String, appliedAt: Date) {
        self.system = system
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}
