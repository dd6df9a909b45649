import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RateLimiting

/// `mastery ratelimit` against a running server: the API under `/v1/ratelimit`. Writes carry the admin token;
/// refusals (problem+json) become ``RateLimitCLIError``s with the server's title and detail.
struct RateLimitServerBackend: RateLimitBackend {
    let baseURL: String
    let adminToken: String?
    let timeout: Duration
    let client = HTTPClient(eventLoopGroupProvider: .singleton)

    func check(_ request: RateLimitAPI.CheckRequest) async throws -> RateLimitAPI.CheckResponse {
        let body = try JSONEncoder().encode(request)
        return try decode(RateLimitAPI.CheckResponse.self, await send(.POST, "/v1/ratelimit/check", body: body))
    }

    /// Every policy, following the API's pages (`?limit=&after=`).
    func policies() async throws -> [RateLimitPolicy] {
        var policies: [RateLimitPolicy] = []
        var after: String? = nil
        while true {
            var path = "/v1/ratelimit/policies?limit=\(RateLimitController.maximumPageSize)"
            if let after {
                path += "&after=" + (after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? after)
            }
            let page = try decode(RateLimitAPI.PolicyList.self, await send(.GET, path))
            policies += page.policies
            // A cursor that does not move on would loop for ever: stop there.
            guard let next = page.next, next > (after ?? ""), !page.policies.isEmpty else { return policies }
            after = next
        }
    }

    func policy(named name: String) async throws -> RateLimitPolicy {
        try decode(RateLimitPolicy.self, await send(.GET, "/v1/ratelimit/policies/\(name)", policy: name))
    }

    func put(_ policy: RateLimitPolicy) async throws -> RateLimitPolicy {
        let body = try JSONEncoder().encode(policy)
        let answer = try await send(.PUT, "/v1/ratelimit/policies/\(policy.name)", body: body, write: true)
        // A server may answer 204 without echoing the policy: then it is stored as sent.
        return answer.isEmpty ? policy : try decode(RateLimitPolicy.self, answer)
    }

    func delete(name: String, force: Bool) async throws {
        _ = try await send(.DELETE, "/v1/ratelimit/policies/\(name)\(force ? "?force=true" : "")", write: true, policy: name)
    }

    func close() async {
        try? await client.shutdown()
    }

    /// Sends a request and returns the body of a 2xx answer.
    /// - Parameters:
    ///   - write: Sends the admin token (a state-changing request).
    ///   - policy: The policy the path names: a 404 then means that policy does not exist.
    /// - Throws: ``RateLimitCLIError`` for an unreachable server and for every answer other than 2xx.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        write: Bool = false,
        policy: String? = nil
    ) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if write, let adminToken { request.headers.add(name: "Authorization", value: "Bearer \(adminToken)") }
        let status: UInt
        let bytes: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            status = response.status.code
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw RateLimitCLIError(
                status: RateLimitCLIError.unavailable,
                message:
                    "cannot reach the server at \(baseURL) (\(Self.reason(error))); is `mastery serve` running there?"
            )
        }
        let data = Data(bytes.readableBytesView)
        guard !(200..<300).contains(status) else { return data }
        if status == 404, !Self.isCollection(path) {
            // A missing policy, or a server without the rate limiter: the collection tells them apart.
            do {
                _ = try await send(.GET, "/v1/ratelimit/policies")
            } catch let error as RateLimitCLIError where error.status == RateLimitCLIError.unavailable {
                throw error
            } catch {
                // Anything else: the policy (or the request's policy) is what is missing.
            }
        }
        throw refusal(status: status, body: data, method: method, path: path, write: write, policy: policy)
    }

    /// The failure for a non-2xx answer: the problem's title and detail, with the exit status of its kind.
    func refusal(
        status: UInt,
        body: Data,
        method: HTTPMethod,
        path: String,
        write: Bool,
        policy: String?
    ) -> RateLimitCLIError {
        let problem = try? JSONDecoder().decode(Problem.self, from: body)
        let said = problem.map { [$0.title, $0.detail].compactMap { $0 }.joined(separator: ": ") } ?? "HTTP \(status)"
        switch status {
        case 401, 403:
            let hint =
                write && adminToken == nil
                ? " (no admin token found: pass --admin-token, set \(RateLimitTargetOptions.tokenVariable), or --data-dir naming the server's data folder)"
                : ""
            return RateLimitCLIError(
                status: RateLimitCLIError.noPermission,
                message: "the server refused: \(said)\(hint)"
            )
        case 404 where !Self.isCollection(path):
            if let policy { return RateLimitCLIError.unknownPolicy(policy) }
            return RateLimitCLIError(status: RateLimitCLIError.notFound, message: "the server refused: \(said)")
        case 404:
            return RateLimitCLIError(
                status: RateLimitCLIError.unavailable,
                message: "\(baseURL) has no \(method.rawValue) \(path): does this server mount the rate limiter?"
            )
        case 409:
            return RateLimitCLIError(status: RateLimitCLIError.dataError, message: "the server refused: \(said)")
        case 400, 413, 415, 422:
            return RateLimitCLIError(status: RateLimitCLIError.dataError, message: "the server refused: \(said)")
        case 500...:
            return RateLimitCLIError(status: RateLimitCLIError.unavailable, message: "the server failed: \(said)")
        default:
            return RateLimitCLIError(status: RateLimitCLIError.protocolError, message: "unexpected answer: \(said)")
        }
    }

    /// Whether `path` is the policy collection (a 404 there means no rate limiter, not a missing policy).
    static func isCollection(_ path: String) -> Bool {
        path == "/v1/ratelimit/policies" || path.hasPrefix("/v1/ratelimit/policies?")
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ data: Data) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw RateLimitCLIError(
                status: RateLimitCLIError.protocolError,
                message: "the server's answer is not what the API promises (\(error))"
            )
        }
    }

    /// A short reason for a failed connection, without the internals of NIO's error types.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout: return "no answer in time"
            default: break
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        return String(text.prefix(200))
    }

    /// The members of a problem+json body the CLI shows.
    struct Problem: Decodable {
        var title: String?
        var detail: String?
    }
}
