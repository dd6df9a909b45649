import Foundation
import GRDB
public import Logging
public import Storage

/// Policies in this instance's SQLite database, for a server without a shared tier: the table
/// `ratelimit_policies (name, policy, updated_at)`, one row per policy holding its JSON.
///
/// Nobody else shares the file, so there is nothing to announce or watch. Apply ``migrations`` before use (the
/// rate-limiting system declares them).
public struct SQLiteRateLimitPolicyStore: RateLimitPolicyStore {
    /// The schema: `ratelimit_policies`, on SQLite only (on PostgreSQL the version is recorded and nothing runs).
    public static let migrations = SchemaMigrations(
        system: "ratelimit",
        [
            Migration(
                version: 1,
                name: "create ratelimit_policies",
                postgres: "",
                sqlite: """
                    CREATE TABLE ratelimit_policies (
                        name TEXT PRIMARY KEY NOT NULL,
                        policy TEXT NOT NULL,
                        updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                    )
                    """
            )
        ]
    )

    private let storage: SQLiteStorage
    private let logger: Logger

    /// Creates the store on a migrated database.
    /// - Parameters:
    ///   - storage: The database (``migrations`` applied).
    ///   - logger: Receives rows skipped because they are invalid (`ratelimit.policy`, `ratelimit.error`).
    public init(storage: SQLiteStorage, logger: Logger) {
        self.storage = storage
        self.logger = logger
    }

    /// Every valid policy, sorted by name; invalid rows are logged and skipped.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable`.
    public func all() async throws -> [RateLimitPolicy] {
        let rows: [(String, String)]
        do {
            rows = try await storage.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT name, policy FROM ratelimit_policies ORDER BY name").map {
                    (row: Row) -> (String, String) in (row["name"], row["policy"])
                }
            }
        } catch {
            throw RateLimitError.sqlite(error, "reading the policies", path: storage.path)
        }
        return RateLimitPolicyJSON.decodeEntries(
            rows.map { (name: $0.0, json: Data($0.1.utf8)) },
            entry: "row",
            store: storage.path,
            logger: logger
        )
    }

    /// Inserts or replaces the policy's row.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable`.
    public func put(_ policy: RateLimitPolicy) async throws {
        let json = try RateLimitPolicyJSON.encode(policy)
        do {
            try await storage.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO ratelimit_policies (name, policy) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET policy = excluded.policy, updated_at = CURRENT_TIMESTAMP
                        """,
                    arguments: [policy.name, json]
                )
            }
        } catch {
            throw RateLimitError.sqlite(
                error,
                "storing policy \(RateLimitPolicy.quoted(policy.name))",
                path: storage.path
            )
        }
    }

    /// Inserts or replaces the policy's row unless that would make more than `maximumCount` rows, in one write
    /// transaction (SQLite writers are serialised, so the count cannot change under it).
    /// - Throws: ``RateLimitError`` with code `policyLimitReached` or `storeUnavailable`.
    public func put(_ policy: RateLimitPolicy, maximumCount: Int) async throws {
        let json = try RateLimitPolicyJSON.encode(policy)
        let stored: Bool
        do {
            stored = try await storage.pool.write { db in
                let exists =
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT EXISTS (SELECT 1 FROM ratelimit_policies WHERE name = ?)",
                        arguments: [policy.name]
                    )
                    ?? false
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ratelimit_policies") ?? 0
                guard exists || count < maximumCount else { return false }
                try db.execute(
                    sql: """
                        INSERT INTO ratelimit_policies (name, policy) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET policy = excluded.policy, updated_at = CURRENT_TIMESTAMP
                        """,
                    arguments: [policy.name, json]
                )
                return true
            }
        } catch {
            throw RateLimitError.sqlite(
                error,
                "storing policy \(RateLimitPolicy.quoted(policy.name))",
                path: storage.path
            )
        }
        guard stored else { throw RateLimitError.policyLimitReached(maximumCount) }
    }

    /// Deletes the policy's row.
    /// - Returns: Whether it existed.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable`.
    public func delete(name: String) async throws -> Bool {
        do {
            return try await storage.pool.write { db in
                try db.execute(sql: "DELETE FROM ratelimit_policies WHERE name = ?", arguments: [name])
                return db.changesCount > 0
            }
        } catch {
            throw RateLimitError.sqlite(error, "deleting policy \(RateLimitPolicy.quoted(name))", path: storage.path)
        }
    }
}
