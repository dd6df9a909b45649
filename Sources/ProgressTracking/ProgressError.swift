/// The error every `ProgressTracking` API throws.
///
/// Its ``description`` says what was refused and why, naming the line of the file where one is involved. When a verb
/// throws, nothing was applied: the document (and the file, through ``ProgressFileStore``) is unchanged.
public struct ProgressError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidDocument
            case unknownProject
            case invalidTransition
            case invalidArgument
            case noMatch
            case ambiguousMatch
            case fileExists
            case fileSystem
        }
        private let base: Base

        /// The file cannot be understood (not UTF-8, no project table, an unreadable status or date, …).
        public static let invalidDocument = Code(base: .invalidDocument)
        /// The document has no project with that number.
        public static let unknownProject = Code(base: .unknownProject)
        /// The project's status does not allow the verb (completing a project that was never started, …).
        public static let invalidTransition = Code(base: .invalidTransition)
        /// An argument is malformed: a date, a URL, a month outside 1–12, an empty text, an end before the start.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// No checklist item (or reflection field) matches the text given.
        public static let noMatch = Code(base: .noMatch)
        /// Several checklist items match the text given; the message lists them.
        public static let ambiguousMatch = Code(base: .ambiguousMatch)
        /// `init` refused to overwrite an existing file.
        public static let fileExists = Code(base: .fileExists)
        /// Reading, locking or writing the file failed; ``underlying`` or the message holds the system's reason.
        public static let fileSystem = Code(base: .fileSystem)

        /// The code's name, such as `unknownProject`.
        public var description: String {
            switch base {
            case .invalidDocument: "invalidDocument"
            case .unknownProject: "unknownProject"
            case .invalidTransition: "invalidTransition"
            case .invalidArgument: "invalidArgument"
            case .noMatch: "noMatch"
            case .ambiguousMatch: "ambiguousMatch"
            case .fileExists: "fileExists"
            case .fileSystem: "fileSystem"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A readable explanation, naming the line (1-based) where one is involved.
    public var message: String
    /// The 1-based line of the file the error is about, if any.
    public var line: Int?
    /// The underlying error, if any.
    public var underlying: (any Error)?
    /// The file the error is about (the progress file, its lock file, a temporary file), for logs and local
    /// tools. ``message`` and ``description`` never hold it, so an answer over HTTP does not reveal where the file is.
    public var path: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: A readable explanation.
    ///   - line: The 1-based line of the file the error is about, if any.
    ///   - underlying: The underlying error, if any.
    ///   - path: The file the error is about, if any (kept out of ``message``).
    public init(code: Code, message: String, line: Int? = nil, underlying: (any Error)? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.underlying = underlying
        self.path = path
    }

    /// `code: message`, with the line when there is one.
    public var description: String {
        if let line { return "\(code): line \(line): \(message)" }
        return "\(code): \(message)"
    }
}
