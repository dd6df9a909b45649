import GRDB
public import Storage

/// Named counters in the embedded SQLite database. Every increment is one atomic statement, so concurrent
/// increments from many requests never lose one.
public struct TallyStore: Sendable {
    /// The table, declared for the SQLite tier (the root applies it before the system is built).
    public static let migrations = SchemaMigrations(
        system: "tally",
        [
            Migration(
                version: 1,
                name: "create tally_counters",
                postgres: "",
                sqlite: "CREATE TABLE tally_counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)"
            )
        ]
    )
    /// The largest amount one increment may add.
    public static let maximumAmount = 1_000_000

    let storage: SQLiteStorage

    /// A store on a database with ``migrations`` applied.
    public init(storage: SQLiteStorage) {
        self.storage = storage
    }

    /// Adds `amount` to the counter `name` (created at 0) and returns its new value.
    /// - Throws: ``TallyError``: `invalidName`, `invalidAmount`, or `storeFailure`.
    public func increment(_ name: String, by amount: Int = 1) async throws -> Int {
        try Self.validate(name: name)
        guard (1...Self.maximumAmount).contains(amount) else {
            throw TallyError(.invalidAmount, "the amount must be between 1 and \(Self.maximumAmount), not \(amount)")
        }
        do {
            return try await storage.pool.write { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        INSERT INTO tally_counters (name, value) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
                        RETURNING value
                        """,
                    arguments: [name, amount]
                ) ?? 0
            }
        } catch {
            throw TallyError(.storeFailure, "the database refused the increment")
        }
    }

    /// The counter's value.
    /// - Throws: ``TallyError``: `invalidName`, `unknownCounter`, or `storeFailure`.
    public func value(of name: String) async throws -> Int {
        try Self.validate(name: name)
        let value: Int?
        do {
            value = try await storage.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT value FROM tally_counters WHERE name = ?", arguments: [name])
            }
        } catch {
            throw TallyError(.storeFailure, "the database refused the read")
        }
        guard let value else { throw TallyError(.unknownCounter, "there is no counter named \(name)") }
        return value
    }

    /// The first `limit` counters by name, after `name` when given (a page of the list).
    /// - Throws: ``TallyError``: `invalidAmount` for a limit outside 1…1000, or `storeFailure`.
    public func counters(after name: String? = nil, limit: Int = 100) async throws -> [TallyCounter] {
        guard (1...1000).contains(limit) else {
            throw TallyError(.invalidAmount, "the limit must be between 1 and 1000, not \(limit)")
        }
        do {
            return try await storage.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT name, value FROM tally_counters WHERE name > ? ORDER BY name LIMIT ?",
                    arguments: [name ?? "", limit]
                ).map { TallyCounter(name: $0["name"], value: $0["value"]) }
            }
        } catch {
            throw TallyError(.storeFailure, "the database refused the read")
        }
    }

    /// Checks a counter's name: 1 to 64 characters from a-z 0-9 _ -.
    /// - Throws: ``TallyError`` (`invalidName`).
    public static func validate(name: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard (1...64).contains(name.utf8.count), allowed else {
            throw TallyError(.invalidName, "a counter's name has 1 to 64 characters from a-z 0-9 _ -")
        }
    }
}
