/// The error every benchmark throws.
public struct BenchmarkError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case toolMissing, processFailed, timedOut, invalidOutput, invalidMeasurement, invalidArgument
        }
        private let base: Base

        /// A peer or load generator is not installed; the message names the command that installs it.
        public static let toolMissing = Code(base: .toolMissing)
        /// A child process (our server, a peer, a load generator) failed to start or exited early.
        public static let processFailed = Code(base: .processFailed)
        /// Something did not happen within its bound (a server never answered, a run never finished).
        public static let timedOut = Code(base: .timedOut)
        /// A tool printed something we could not parse.
        public static let invalidOutput = Code(base: .invalidOutput)
        /// A measurement cannot be used (zero requests, a value that is not finite, errors during a run).
        public static let invalidMeasurement = Code(base: .invalidMeasurement)
        /// An option is out of range.
        public static let invalidArgument = Code(base: .invalidArgument)

        public var description: String { "\(base)" }
    }

    /// What went wrong.
    public var code: Code
    /// A readable explanation, such as `"wrk is not installed: apt-get install wrk"`.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return message }
        return "\(message) (\(underlying))"
    }
}
