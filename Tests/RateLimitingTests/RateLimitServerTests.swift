import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MasteryServer
import Platform
import RateLimiting
import Storage
import TestSupport
import Testing

@Suite("Rate limiter live: real connections, client addresses behind proxies")
struct RateLimitLiveTests {
    let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// Waits for the policies, then makes `demo` refill one unit per two hours (so a slow machine cannot refill it
    /// mid-test), keeping its capacity of 5.
    func prepare(_ client: some TestClientProtocol) async throws {
        try await waitForPolicies(client)
        try await client.execute(
            uri: "/v1/ratelimit/policies/demo",
            method: .put,
            headers: [.authorization: "Bearer \(RateLimitHTTPTests.adminToken)", .contentType: "application/json"],
            body: ByteBuffer(string: #"{"algorithm":"gcra","limit":5,"window":36000}"#)
        ) { #expect($0.status == .ok) }
    }

    @Test("the demo route keys by the real peer: a spoofed X-Forwarded-For from an untrusted peer changes nothing")
    func untrustedPeer() async throws {
        try await rateLimitServer().application.test(.live) { client in
            try await prepare(client)
            for index in 0..<5 {
                try await client.execute(
                    uri: "/v1/ratelimit/demo",
                    method: .get,
                    headers: [forwardedFor: "198.51.100.\(index)"]
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=36000"#)
                }
            }
            try await client.execute(uri: "/v1/ratelimit/demo", method: .get, headers: [forwardedFor: "198.51.100.77"])
            { response in
                #expect(response.status == .tooManyRequests)
                // Two hours from the first admission, less the seconds the requests took.
                let retryAfter = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                #expect((7000...7200).contains(retryAfter))
            }
            try await client.execute(uri: "/v1/ratelimit/stats", method: .get) { response in
                let stats = try jsonObject(response)
                let keys = (stats["limitedKeys"] as? [[String: Any]])?.compactMap { $0["key"] as? String }
                #expect(keys == ["ip:127.0.0.1"])
            }
        }
    }

    @Test("behind a trusted proxy, X-Forwarded-For tells the clients apart")
    func trustedProxy() async throws {
        try await rateLimitServer(["ratelimit.trustedProxies": "127.0.0.1, ::1"]).application.test(.live) { client in
            try await prepare(client)
            for index in 0..<8 {
                try await client.execute(
                    uri: "/v1/ratelimit/demo",
                    method: .get,
                    headers: [forwardedFor: "198.51.100.\(index)"]
                ) {
                    #expect($0.status == .ok)
                }
            }
            for attempt in 0..<6 {
                try await client.execute(
                    uri: "/v1/ratelimit/demo",
                    method: .get,
                    headers: [forwardedFor: "6.6.6.6, 203.0.113.9"]
                ) {
                    #expect($0.status == (attempt < 5 ? .ok : .tooManyRequests))
                }
            }
            try await client.execute(uri: "/v1/ratelimit/stats", method: .get) { response in
                let keys = (try jsonObject(response)["limitedKeys"] as? [[String: Any]])?.compactMap {
                    $0["key"] as? String
                }
                #expect(keys == ["ip:203.0.113.9"])
            }
        }
    }
}

@Suite(
    "Rate limiter on Redis",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(3))
)
struct RateLimitRedisHTTPTests {
    @Test("two servers on one Redis: a policy put through one reaches the other; decisions are shared")
    func twoServers() async throws {
        let url = try TestServers.requireRedisURL()
        let prefix = "t:" + UUID().uuidString.lowercased().prefix(12)
        // Generous timeouts: a loaded machine must not turn a slow answer into a fallback decision here.
        let flags = [
            "redisURL": url, "ratelimit.store": "redis", "ratelimit.keyPrefix": String(prefix),
            "redisCommandTimeout": "30",
            "ratelimit.decisionTimeout": "30",
        ]
        let first = try await rateLimitServer(flags)
        let second = try await rateLimitServer(flags)
        let auth: HTTPFields = [
            .authorization: "Bearer \(RateLimitHTTPTests.adminToken)", .contentType: "application/json",
        ]
        let json: HTTPFields = [.contentType: "application/json"]
        let body = ByteBuffer(string: #"{"descriptors":[{"policy":"shared","key":"k"}]}"#)
        try await first.application.test(.router) { one in
            try await second.application.test(.router) { two in
                try await waitForPolicies(one)
                try await waitForPolicies(two)
                try await one.execute(
                    uri: "/v1/ratelimit/policies/shared",
                    method: .put,
                    headers: auth,
                    body: ByteBuffer(
                        string: #"{"algorithm":"fixed_window","limit":3,"window":3600,"onStoreFailure":"closed"}"#
                    )
                ) { #expect($0.status == .ok) }
                try await waitUntil(timeout: .seconds(30)) {
                    try await two.execute(uri: "/v1/ratelimit/policies/shared", method: .get) { $0.status == .ok }
                }
                var outcomes: [Bool] = []
                for client in [one, two, one, two] as [any TestClientProtocol] {
                    try await client.execute(uri: "/v1/ratelimit/check", method: .post, headers: json, body: body) {
                        response in
                        let result = try jsonObject(response)
                        #expect(result["source"] as? String == "store")
                        outcomes.append(result["allowed"] as? Bool ?? false)
                    }
                }
                #expect(outcomes == [true, true, true, false])
                try await two.execute(uri: "/v1/ratelimit/stats", method: .get) { response in
                    let stats = try jsonObject(response)
                    #expect(stats["store"] as? String == "redis")
                    #expect(stats["usingFallback"] as? Bool == false)
                    #expect(stats["allowed"] as? Int == 1 && stats["denied"] as? Int == 1)
                }
                // A deletion through the second reaches the first.
                try await two.execute(uri: "/v1/ratelimit/policies/shared", method: .delete, headers: auth) {
                    #expect($0.status == .noContent)
                }
                try await waitUntil(timeout: .seconds(30)) {
                    try await one.execute(uri: "/v1/ratelimit/check", method: .post, headers: json, body: body) {
                        $0.status == .notFound
                    }
                }
            }
        }
    }
}
