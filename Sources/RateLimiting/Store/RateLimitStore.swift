/// Where rate-limit state lives: the seam between the algorithms and their storage.
///
/// A store evaluates a request's checks together: it admits only if every check admits, and then consumes from
/// every one; when any rejects it consumes nothing. ``InMemoryRateLimitStore`` keeps state in this process;
/// ``RedisRateLimitStore`` keeps it in Redis, shared by every instance.
public protocol RateLimitStore: Sendable {
    /// Decides a request.
    /// - Parameter checks: 1 to ``RateLimitCheck/maximumChecks`` checks, already validated.
    /// - Returns: The decision, with one ``RateLimitDecision`` per check.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout` when the store cannot answer.
    func check(_ checks: [RateLimitCheck]) async throws -> RateLimitResult
}
