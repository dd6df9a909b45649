/// Why a job operation failed.
public struct JobsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Hashable, Sendable {
        /// A job type, queue name, unique key, priority, delay or count is outside its limits.
        case invalidRequest
        /// The payload is not valid JSON for the job type, or is larger than allowed.
        case invalidPayload
        /// No job type of that name is registered.
        case unknownJobType
        /// No job has that ID.
        case unknownJob
        /// The job is not in a state that allows the operation (replaying a job that is not dead, for example).
        case invalidState
        /// The caller's lease is no longer valid: it expired, or another worker claimed the job since (fencing).
        case leaseLost
        /// The store failed (database unreachable, constraint violated).
        case storeFailure
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, for people (never a payload, a path or a secret).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension JobsError {
    /// A short description of any error for logs: a `JobsError`'s message, otherwise its type (a store's raw
    /// error may hold SQL text or a payload).
    public static func describe(_ error: any Error) -> String {
        if let error = error as? JobsError { return error.message }
        if error is CancellationError { return "cancelled" }
        return "\(type(of: error))"
    }
}
