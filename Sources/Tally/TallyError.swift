/// Why a tally operation failed.
public struct TallyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Hashable, Sendable {
        /// The counter's name is not 1 to 64 characters from a-z 0-9 _ -.
        case invalidName
        /// The amount is outside 1…1,000,000.
        case invalidAmount
        /// No counter has that name.
        case unknownCounter
        /// The database failed.
        case storeFailure
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, for people (never a path or a secret).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
