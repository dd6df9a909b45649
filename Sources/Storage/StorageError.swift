/// The error every `Storage` API throws.
///
/// Its ``description`` names what failed (the system, the migration's version and name, the database in its
/// redacted form) and never holds a password or SQL text. The engine's own error, which may hold both, is kept in
/// ``underlying`` for debugging and is not part of the description.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidURL
            case connectionFailed
            case invalidMigrations
            case migrationFailed
            case checksumMismatch
            case unknownAppliedMigration
        }
        private let base: Base

        /// A database URL could not be parsed or holds an unsupported option.
        public static let invalidURL = Code(base: .invalidURL)
        /// The database could not be reached or opened.
        public static let connectionFailed = Code(base: .connectionFailed)
        /// A set of migrations breaks the declaration rules (names, version order).
        public static let invalidMigrations = Code(base: .invalidMigrations)
        /// A migration (or the bookkeeping around it) failed; the migration's changes were rolled back.
        public static let migrationFailed = Code(base: .migrationFailed)
        /// An applied migration's SQL was edited afterwards: its checksum no longer matches the recorded one.
        public static let checksumMismatch = Code(base: .checksumMismatch)
        /// The database records a migration version that the code does not declare.
        public static let unknownAppliedMigration = Code(base: .unknownAppliedMigration)

        /// The code's name, such as `migrationFailed`.
        public var description: String {
            switch base {
            case .invalidURL: "invalidURL"
            case .connectionFailed: "connectionFailed"
            case .invalidMigrations: "invalidMigrations"
            case .migrationFailed: "migrationFailed"
            case .checksumMismatch: "checksumMismatch"
            case .unknownAppliedMigration: "unknownAppliedMigration"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A readable explanation, free of passwords and SQL text.
    public var message: String
    /// The error reported by the engine, if any. It may hold SQL text: log it only at debug level.
    public var underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: A readable explanation; it must hold neither a password nor SQL text.
    ///   - underlying: The engine's error, if any.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `StorageError.<code>: <message>`.
    public var description: String { "StorageError.\(code): \(message)" }
}
