import Foundation

/// A child process could not be started, or a bounded wait ran out.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case launchFailed
            case timedOut
            case socketFailed
        }
        private let base: Base
        /// The executable was not found or could not be started.
        public static let launchFailed = Code(base: .launchFailed)
        /// A bounded wait ran out.
        public static let timedOut = Code(base: .timedOut)
        /// A socket call failed (in ``freePort()``).
        public static let socketFailed = Code(base: .socketFailed)
    }

    /// What went wrong.
    public var code: Code
    /// A readable explanation.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates the error.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        underlying.map { "\(message): \($0)" } ?? message
    }
}
