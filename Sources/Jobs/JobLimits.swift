public import Foundation

/// The bounds every job, from any caller, is checked against before anything is stored.
public enum JobLimits: Sendable {
    /// The largest payload: 256 KiB of JSON.
    public static let maxPayloadBytes = 256 * 1024
    /// The largest result a handler may store: 64 KiB of JSON (larger results are dropped, with a note).
    public static let maxResultBytes = 64 * 1024
    /// Allowed priorities (higher runs first).
    public static let priorities = -100...100
    /// Allowed values of `maxAttempts`.
    public static let attempts = 1...100
    /// Attempts a job gets unless its type or request says otherwise (as River and Sidekiq do: 25).
    public static let defaultMaxAttempts = 25
    /// How long one attempt may run unless its type or request says otherwise.
    public static let defaultTimeout: Duration = .seconds(60 * 5)
    /// The longest per-attempt timeout.
    public static let maxTimeout: Duration = .seconds(24 * 3600)
    /// The longest unique-after-completion period.
    public static let maxUniqueFor: Duration = .seconds(30 * 24 * 3600)
    /// The furthest a job can be scheduled ahead.
    public static let maxDelay: Duration = .seconds(366 * 24 * 3600)
    /// The most jobs one bulk enqueue may hold.
    public static let maxBulk = 10_000
    /// The most jobs one list, replay or purge touches.
    public static let maxPage = 1_000
    /// The longest error message kept per attempt (longer ones are cut).
    public static let maxErrorLength = 2_000

    /// Checks a job type or queue name: 1 to 64 characters from `a-z A-Z 0-9 _ - . :`.
    /// - Throws: `JobsError` with code `invalidRequest`.
    public static func validateName(_ name: String, what: String) throws {
        guard (1...64).contains(name.utf8.count),
            name.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D || byte == 0x2E || byte == 0x3A
            })
        else {
            throw JobsError(.invalidRequest, "a \(what) name is 1 to 64 characters from a-z A-Z 0-9 _ - . :")
        }
    }

    /// Checks a unique or concurrency key: 1 to 255 bytes of printable text (no control characters).
    /// - Throws: `JobsError` with code `invalidRequest`.
    public static func validateKey(_ key: String, what: String) throws {
        guard (1...255).contains(key.utf8.count),
            !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw JobsError(.invalidRequest, "\(what) is 1 to 255 bytes of text without control characters")
        }
    }

    /// Cuts an error message to ``maxErrorLength`` characters.
    public static func truncatedError(_ message: String) -> String {
        message.count <= maxErrorLength ? message : String(message.prefix(maxErrorLength - 1)) + "…"
    }
}
