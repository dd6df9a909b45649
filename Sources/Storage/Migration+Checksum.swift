import Crypto
import Foundation
public import StorageSchema

extension Migration {
    /// The SHA-256 (lowercase hex) of ``postgres``, as recorded on PostgreSQL.
    public var postgresChecksum: String { Self.checksum(of: postgres) }

    /// The SHA-256 (lowercase hex) of ``sqlite``, as recorded on SQLite.
    public var sqliteChecksum: String { Self.checksum(of: sqlite) }

    /// The SQL for an engine.
    func sql(for engine: SQLEngine) -> String {
        switch engine {
        case .postgres: postgres
        case .sqlite: sqlite
        }
    }

    /// The checksum for an engine.
    func checksum(for engine: SQLEngine) -> String { Self.checksum(of: sql(for: engine)) }

    /// `system/version "name"`, used in logs and errors.
    func label(system: String) -> String { "\(system)/\(version) \"\(name)\"" }

    static func checksum(of sql: String) -> String {
        SHA256.hash(data: Data(sql.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The two engines Storage speaks.
enum SQLEngine: Sendable {
    case postgres
    case sqlite
}
