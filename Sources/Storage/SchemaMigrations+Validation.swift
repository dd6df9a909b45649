import Foundation
public import StorageSchema

extension SchemaMigrations {
    /// Checks the declaration rules.
    /// - Throws: `StorageError` with code `invalidMigrations`, naming the system and the offending version.
    public func validate() throws {
        let allowed = system.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
        guard !system.isEmpty, allowed else {
            throw invalid("the system name must be non-empty and use only a-z, 0-9 and _")
        }
        for (index, migration) in migrations.enumerated() {
            guard migration.version == index + 1 else {
                throw invalid(
                    "expected version \(index + 1) at position \(index + 1) but found version \(migration.version)"
                        + " (versions must be 1, 2, 3, … in order, without gaps or repeats)"
                )
            }
            guard !migration.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw invalid("migration \(migration.version) has an empty name")
            }
        }
    }

    /// Validates several sets together: each one, and that no system name appears twice.
    static func validate(_ sets: [SchemaMigrations]) throws {
        var seen: Set<String> = []
        for set in sets {
            try set.validate()
            guard seen.insert(set.system).inserted else {
                throw StorageError(
                    code: .invalidMigrations,
                    message: "invalid migrations for system \"\(set.system)\": the system is declared twice"
                )
            }
        }
    }

    private func invalid(_ reason: String) -> StorageError {
        StorageError(code: .invalidMigrations, message: "invalid migrations for system \"\(system)\": \(reason)")
    }
}
