import CLIKit
import Foundation
import NIOHTTP1
import RateLimiting

/// `mastery ratelimit` against a running server: the API under `/v1/ratelimit`, through CLIKit's
/// ``ServerClient`` (the admin token on writes, refusals turned into ``CommandFailure``s with the server's title
/// and detail). A 404 is told apart: a missing policy (66) or a server without the rate limiter (69).
struct RateLimitServerBackend: RateLimitBackend {
    /// The API's prefix on the server.
    static let apiPath = "/v1/ratelimit"
    let client: ServerClient

    func check(_ request: RateLimitAPI.CheckRequest) async throws -> RateLimitAPI.CheckResponse {
        let body = try JSONEncoder().encode(request)
        return try client.decode(RateLimitAPI.CheckResponse.self, await send(.POST, "/check", body: body))
    }

    /// Every policy, following the API's pages (`?limit=&after=`).
    func policies() async throws -> [RateLimitPolicy] {
        var policies: [RateLimitPolicy] = []
        var after: String? = nil
        while true {
            var path = "/policies?limit=\(RateLimitController.maximumPageSize)"
            if let after {
                path += "&after=" + (after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? after)
            }
            let page = try client.decode(RateLimitAPI.PolicyList.self, await send(.GET, path))
            policies += page.policies
            // A cursor that does not move on would loop for ever: stop there.
            guard let next = page.next, next > (after ?? ""), !page.policies.isEmpty else { return policies }
            after = next
        }
    }

    func policy(named name: String) async throws -> RateLimitPolicy {
        try client.decode(RateLimitPolicy.self, await send(.GET, "/policies/\(name)", policy: name))
    }

    func put(_ policy: RateLimitPolicy) async throws -> RateLimitPolicy {
        let body = try JSONEncoder().encode(policy)
        let answer = try await send(.PUT, "/policies/\(policy.name)", body: body, write: true)
        // A server may answer 204 without echoing the policy: then it is stored as sent.
        return answer.isEmpty ? policy : try client.decode(RateLimitPolicy.self, answer)
    }

    func delete(name: String, force: Bool) async throws {
        _ = try await send(.DELETE, "/policies/\(name)\(force ? "?force=true" : "")", write: true, policy: name)
    }

    func close() async {
        await client.close()
    }

    /// Sends a request to `path` (relative to the API's prefix) and returns the body of a 2xx answer.
    /// - Parameters:
    ///   - write: Sends the admin token (a state-changing request).
    ///   - policy: The policy the path names: a 404 then means that policy does not exist.
    /// - Throws: ``CommandFailure`` for an unreachable server and for every answer other than 2xx.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        write: Bool = false,
        policy: String? = nil
    ) async throws -> Data {
        let answer = try await client.exchange(method, Self.apiPath + path, body: body, write: write)
        guard !(200..<300).contains(answer.status) else { return answer.body }
        guard answer.status == 404 else { throw client.failure(for: answer, write: write) }
        // A missing policy, or a server without the rate limiter: the collection tells them apart.
        let collection = try await client.exchange(.GET, Self.apiPath + "/policies")
        if collection.status == 404 {
            throw CommandFailure(
                .unavailable,
                "\(client.baseURL) has no \(method.rawValue) \(Self.apiPath)\(path): does this server mount the rate limiter?"
            )
        }
        if let policy { throw CommandFailure.unknownPolicy(policy) }
        throw client.failure(for: answer, write: write)
    }
}
