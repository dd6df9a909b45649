import CLIKit
import Foundation
import RateLimiting

/// What `mastery ratelimit` works on: a server's API or the shared Redis. Both answer in the API's terms
/// (``RateLimitAPI``), so `--json` prints the same objects either way.
protocol RateLimitBackend: Sendable {
    /// Decides a request: `POST /v1/ratelimit/check`.
    /// - Throws: ``CommandFailure``.
    func check(_ request: RateLimitAPI.CheckRequest) async throws -> RateLimitAPI.CheckResponse
    /// Every policy, sorted by name.
    /// - Throws: ``CommandFailure``.
    func policies() async throws -> [RateLimitPolicy]
    /// The policy named `name`.
    /// - Throws: ``CommandFailure`` (66 when there is none).
    func policy(named name: String) async throws -> RateLimitPolicy
    /// Creates or replaces a policy and returns it as stored.
    /// - Throws: ``CommandFailure``.
    func put(_ policy: RateLimitPolicy) async throws -> RateLimitPolicy
    /// Deletes the policy named `name`; `force` deletes it even when a server's route applies it.
    /// - Throws: ``CommandFailure`` (66 when there is none, 65 when a route applies it and `force` is false).
    func delete(name: String, force: Bool) async throws
    /// Releases the connection; never throws.
    func close() async
}
