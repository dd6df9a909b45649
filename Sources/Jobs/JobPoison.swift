/// Thrown by a handler for a job that can never succeed (a malformed address, a deleted account): the job goes
/// to the dead-letter queue at once, with no retry.
///
/// ```swift
/// guard let user = try await users.find(payload.userID) else {
///     throw JobPoison("user \(payload.userID) no longer exists")
/// }
/// ```
public struct JobPoison: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the job can never succeed (kept in its attempt history).
    public var reason: String

    /// Creates the error.
    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
