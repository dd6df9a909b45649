/// The error every `RateLimiting` API throws.
///
/// A rejected request is not an error (it is a ``RateLimitResult`` with `allowed == false`); errors are invalid
/// policies or keys, unknown policies, and a store that cannot answer.
public struct RateLimitError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidPolicy
            case invalidKey
            case invalidCost
            case unknownPolicy
            case storeUnavailable
            case storeTimeout
            case policyLimitReached
            case policyInUse
        }
        private let base: Base

        /// A policy that makes no sense: a zero or negative limit, a zero window, an unknown algorithm, numbers
        /// that overflow, a bad name.
        public static let invalidPolicy = Code(base: .invalidPolicy)
        /// A key that is empty or longer than ``RateLimitCheck/maximumKeyLength`` bytes (never truncated).
        public static let invalidKey = Code(base: .invalidKey)
        /// A cost below zero or above ``RateLimitCheck/maximumCost``, or a request with no checks or too many.
        public static let invalidCost = Code(base: .invalidCost)
        /// A check names a policy that does not exist.
        public static let unknownPolicy = Code(base: .unknownPolicy)
        /// The store (Redis) could not be reached or failed.
        public static let storeUnavailable = Code(base: .storeUnavailable)
        /// The store did not answer within the configured decision timeout.
        public static let storeTimeout = Code(base: .storeTimeout)

        /// Whether the code says the store failed (`storeUnavailable`, `storeTimeout`), as opposed to the
        /// request being at fault: only a store failure may switch the limiter to its fallback.
        public var isStoreFailure: Bool { base == .storeUnavailable || base == .storeTimeout }

        /// Storing a new policy would exceed the configured maximum number of policies
        /// (``RateLimitPolicyRegistry/maximumPolicies``).
        public static let policyLimitReached = Code(base: .policyLimitReached)
        /// The policy is applied by a route's middleware: deleting it would silently remove that limit.
        public static let policyInUse = Code(base: .policyInUse)

        /// The code's name, such as `invalidPolicy`.
        public var description: String {
            switch base {
            case .invalidPolicy: "invalidPolicy"
            case .invalidKey: "invalidKey"
            case .invalidCost: "invalidCost"
            case .unknownPolicy: "unknownPolicy"
            case .storeUnavailable: "storeUnavailable"
            case .storeTimeout: "storeTimeout"
            case .policyLimitReached: "policyLimitReached"
            case .policyInUse: "policyInUse"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for people (never holds secrets).
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates the error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }
}
