/// Why a cache operation failed.
///
/// The ``message`` is for people: it names the key's situation (waiters, timeouts, what the store said), never a
/// password or a Redis URL.
public struct ResponseCacheError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case originTimeout, originFailed, tooManyWaiters, storeUnavailable, invalidKey, invalidConfiguration
        }
        private let base: Base
        private init(base: Base) { self.base = base }

        /// The origin did not answer within the hard timeout and no stale value was there to serve instead.
        public static let originTimeout = Code(base: .originTimeout)
        /// The origin failed and no stale value was there to serve instead (``ResponseCacheError/underlying`` says
        /// why).
        public static let originFailed = Code(base: .originFailed)
        /// The key's waiting list was full: that many callers already wait for the same origin call.
        public static let tooManyWaiters = Code(base: .tooManyWaiters)
        /// The shared tier (Redis) did not answer: an invalidation could not be recorded or announced.
        public static let storeUnavailable = Code(base: .storeUnavailable)
        /// A key or a tag is empty, too long or holds a control character.
        public static let invalidKey = Code(base: .invalidKey)
        /// A size or duration is out of range.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)

        /// The code's name (`originTimeout`).
        public var description: String { "\(base)" }
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, for people.
    public var message: String
    /// The error underneath (the origin's, or the store's).
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `cache <code>: <message>`.
    public var description: String { "cache \(code): \(message)" }
}
