import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import Platform
import RateLimiting
import TestSupport
import Testing

/// A rate-limiting server (memory store unless `flags` say otherwise) with the test admin token.
func rateLimitServer(_ flags: [String: String] = [:]) async throws -> MasteryServer.Assembly {
    var all = ["adminToken": RateLimitHTTPTests.adminToken, "ratelimit.store": "memory"]
    all.merge(flags) { _, new in new }
    return try await TestApplication.make(flags: all, systems: [RateLimitSystem.self]).0
}

/// Waits (bounded) until the registry has loaded and the demo policy exists.
func waitForPolicies(_ client: some TestClientProtocol) async throws {
    try await waitUntil(timeout: .seconds(30)) {
        try await client.execute(uri: "/v1/ratelimit/policies/demo", method: .get) { $0.status == .ok }
    }
}

@Suite("Rate limiter over HTTP: decisions, policies, validation, auth, demo, stats")
struct RateLimitHTTPTests {
    static let adminToken = "test-admin-token-0123456789"
    let auth: HTTPFields = [.authorization: "Bearer \(Self.adminToken)", .contentType: "application/json"]
    let json: HTTPFields = [.contentType: "application/json"]

    func put(_ client: some TestClientProtocol, _ name: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/ratelimit/policies/\(name)",
            method: .put,
            headers: auth,
            body: ByteBuffer(string: body)
        )
    }

    func check(_ client: some TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/ratelimit/check",
            method: .post,
            headers: json,
            body: ByteBuffer(string: body)
        )
    }

    @Test("POST /check: decisions with remaining, reset and retry-after in seconds; needs no credentials")
    func decisions() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            // One unit per 360 s: nothing refills while the test runs, however slow the machine.
            #expect(
                try await put(client, "api", #"{"algorithm":"gcra","limit":10,"window":3600,"burst":3}"#).status == .ok
            )
            let first = try await check(client, #"{"descriptors":[{"policy":"api","key":"user-1"}]}"#)
            #expect(first.status == .ok)
            #expect(
                String(buffer: first.body)
                    == #"{"allowed":true,"decisions":[{"allowed":true,"key":"user-1","limit":3,"policy":"api","remaining":2,"resetAfter":360,"retryAfter":null}],"remaining":2,"resetAfter":360,"retryAfter":null,"source":"store"}"#
            )
            // The request's cost applies to every descriptor without its own.
            let second = try jsonObject(
                try await check(client, #"{"descriptors":[{"policy":"api","key":"user-1"}],"cost":2}"#)
            )
            #expect(second["allowed"] as? Bool == true)
            #expect(second["remaining"] as? Int == 0)
            // Rejected: nothing consumed from the other descriptor, retryAfter a number of seconds.
            let third = try jsonObject(
                try await check(
                    client,
                    #"{"descriptors":[{"policy":"api","key":"user-2"},{"policy":"api","key":"user-1","cost":1}]}"#
                )
            )
            #expect(third["allowed"] as? Bool == false)
            let retryAfter = try #require(third["retryAfter"] as? Double)
            #expect(retryAfter > 300 && retryAfter <= 360)
            let decisions = try #require(third["decisions"] as? [[String: Any]])
            #expect(decisions.map { $0["allowed"] as? Bool } == [true, false])
            #expect(decisions[0]["remaining"] as? Int == 3)
            let fourth = try jsonObject(try await check(client, #"{"descriptors":[{"policy":"api","key":"user-2"}]}"#))
            #expect(fourth["remaining"] as? Int == 2)
            // Cost 0 asks without consuming.
            let peek = try jsonObject(
                try await check(client, #"{"descriptors":[{"policy":"api","key":"user-2","cost":0}]}"#)
            )
            #expect(peek["remaining"] as? Int == 2)
        }
    }

    @Test("POST /check: every kind of bad input is a 400 naming what is wrong; unknown policies a 404 naming them")
    func checkValidation() async throws {
        try await rateLimitServer(["maxBodySize": "4096"]).application.test(.router) { client in
            try await waitForPolicies(client)
            let descriptor = #"{"policy":"demo","key":"k"}"#
            let cases: [(String, HTTPResponse.Status, String, String)] = [
                ("{", .badRequest, "/problems/malformed-json", "not valid JSON"),
                ("[]", .badRequest, "/problems/malformed-json", "object"),
                ("{}", .badRequest, "/problems/malformed-json", "'descriptors' is required"),
                (#"{"descriptors":[]}"#, .badRequest, "/problems/bad-request", "1 to 16 descriptors, not 0"),
                (
                    #"{"descriptors":[\#(Array(repeating: descriptor, count: 17).joined(separator: ","))]}"#,
                    .badRequest,
                    "/problems/bad-request", "not 17"
                ),
                (
                    #"{"descriptors":[{"policy":"demo","key":""}]}"#, .badRequest, "/problems/bad-request",
                    "descriptors[0].key: the key is empty"
                ),
                (
                    #"{"descriptors":[\#(descriptor),{"policy":"demo","key":"\#(String(repeating: "k", count: 513))"}]}"#,
                    .badRequest, "/problems/bad-request", "descriptors[1].key: the key is 513 bytes long; at most 512"
                ),
                (
                    #"{"descriptors":[{"policy":"demo","key":"k","cost":-1}]}"#, .badRequest, "/problems/bad-request",
                    "descriptors[0].cost must be between 0 and 1000000000, not -1"
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"cost":1000000001}"#, .badRequest, "/problems/bad-request",
                    "cost must be between 0 and 1000000000"
                ),
                (
                    #"{"descriptors":[{"policy":"demo","key":"k","cost":1.5}]}"#, .badRequest,
                    "/problems/malformed-json", "field 'descriptors[0].cost' is invalid: must be an integer, not 1.5"
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"cost":1e30}"#, .badRequest, "/problems/malformed-json",
                    "field 'cost' is invalid: 1000000000000000000000000000000 is too large"
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"cost":99999999999999999999999}"#, .badRequest,
                    "/problems/malformed-json", "field 'cost' is invalid: 99999999999999999999999 is too large"
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"cost":"1"}"#, .badRequest, "/problems/malformed-json",
                    "field 'cost' must be"
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"cost":1e400}"#, .badRequest, "/problems/malformed-json",
                    "not valid JSON: Number 1e400 is not representable"
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"costs":2}"#, .badRequest, "/problems/malformed-json",
                    "field 'costs' is invalid: not a known field"
                ),
                (
                    #"{"descriptors":[{"policy":"demo","key":"k","kee":"x"}]}"#, .badRequest,
                    "/problems/malformed-json", "'descriptors[0].kee'"
                ),
                (
                    #"{"descriptors":[{"policy":7,"key":"k"}]}"#, .badRequest, "/problems/malformed-json",
                    "'descriptors[0].policy' must be a string"
                ),
                (
                    #"{"descriptors":[{"key":"k"}]}"#, .badRequest, "/problems/malformed-json",
                    "'descriptors[0].policy' is required"
                ),
                (
                    #"{"descriptors":[{"policy":"nope","key":"k"},{"policy":"demo","key":"k"},{"policy":"gone","key":"k"}]}"#,
                    .notFound, "/problems/not-found", #"There is no policy "nope", "gone"."#
                ),
                (
                    #"{"descriptors":[{"policy":"bad\u0000name\"","key":"k"}]}"#, .notFound, "/problems/not-found",
                    #"There is no policy "bad\0name\"""#
                ),
                (
                    #"{"descriptors":[\#(descriptor)],"pad":"\#(String(repeating: "x", count: 5000))"}"#,
                    .contentTooLarge, "/problems/body-too-large", "4096"
                ),
            ]
            for (body, status, type, detail) in cases {
                try await client.execute(
                    uri: "/v1/ratelimit/check",
                    method: .post,
                    headers: json,
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == status, "\(body.prefix(80))")
                    let problem = try problem(response)
                    #expect(problem["type"] as? String == type, "\(body.prefix(80))")
                    #expect((problem["detail"] as? String ?? "").contains(detail), "\(body.prefix(80)): \(problem)")
                }
            }
            try await client.execute(
                uri: "/v1/ratelimit/check",
                method: .post,
                headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .unsupportedMediaType)
            }
            // None of the refused requests was decided.
            try await client.execute(uri: "/v1/ratelimit/stats", method: .get) { response in
                let stats = try jsonObject(response)
                #expect(stats["allowed"] as? Int == 0 && stats["denied"] as? Int == 0)
            }
        }
    }

    @Test("policies: create, read, replace, list, delete with the admin token; 401 without; 404 for unknown ones")
    func policyCRUD() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            let created = try await put(
                client,
                "api.per-user:1",
                #"{"algorithm":"token_bucket","limit":100,"window":60,"burst":10,"onStoreFailure":"local","localFraction":0.25}"#
            )
            #expect(created.status == .ok)
            let stored =
                #"{"algorithm":"token_bucket","burst":10,"limit":100,"localFraction":0.25,"name":"api.per-user:1","onStoreFailure":"local","window":60}"#
            #expect(String(buffer: created.body) == stored)
            try await client.execute(uri: "/v1/ratelimit/policies/api.per-user:1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == stored)
            }
            // Replace, naming the policy in the body too; windows keep fractions.
            let replaced = try await put(
                client,
                "api.per-user:1",
                #"{"name":"api.per-user:1","algorithm":"sliding_window_log","limit":5,"window":0.25}"#
            )
            #expect(
                String(buffer: replaced.body)
                    == #"{"algorithm":"sliding_window_log","limit":5,"name":"api.per-user:1","onStoreFailure":"open","window":0.25}"#
            )
            try await client.execute(uri: "/v1/ratelimit/policies", method: .get) { response in
                let list = try jsonObject(response)["policies"] as? [[String: Any]]
                #expect(list?.compactMap { $0["name"] as? String } == ["api.per-user:1", "demo"])
            }
            // Without the token, writes are refused and change nothing; reads need none.
            for method in [HTTPRequest.Method.put, .delete] {
                try await client.execute(
                    uri: "/v1/ratelimit/policies/api.per-user:1",
                    method: method,
                    headers: json,
                    body: ByteBuffer(string: #"{"algorithm":"gcra","limit":1,"window":1}"#)
                ) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(
                    uri: "/v1/ratelimit/policies/api.per-user:1",
                    method: method,
                    headers: [.authorization: "Bearer wrong-token-wrong-token", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"algorithm":"gcra","limit":1,"window":1}"#)
                ) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/v1/ratelimit/policies/api.per-user:1", method: .get) { response in
                let body = try jsonObject(response)
                #expect(body["algorithm"] as? String == "sliding_window_log")
            }
            try await client.execute(uri: "/v1/ratelimit/policies/api.per-user:1", method: .delete, headers: auth) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/api.per-user:1", method: .delete, headers: auth) {
                response in
                #expect(response.status == .notFound)
                let body = try problem(response)
                #expect(body["detail"] as? String == #"There is no policy "api.per-user:1"."#)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/api.per-user:1", method: .get) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/%22%0A", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("PUT: nonsensical policies and malformed bodies are a clear 400, and nothing is stored")
    func policyValidation() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            let cases: [(String, String, String, String)] = [
                (
                    "p", #"{"algorithm":"gcra","limit":0,"window":1}"#, "/problems/invalid-policy",
                    "limit must be between 1 and 1000000000, not 0"
                ),
                ("p", #"{"algorithm":"gcra","limit":-5,"window":1}"#, "/problems/invalid-policy", "not -5"),
                (
                    "p", #"{"algorithm":"fixed_window","limit":5,"window":0}"#, "/problems/invalid-policy",
                    "window must be a number of seconds between 0.001"
                ),
                ("p", #"{"algorithm":"fixed_window","limit":5,"window":-1}"#, "/problems/invalid-policy", "window"),
                (
                    "p", #"{"algorithm":"fixed_window","limit":5,"window":1e400}"#, "/problems/malformed-json",
                    "Number 1e400 is not representable"
                ),
                (
                    "p", #"{"algorithm":"leaky","limit":5,"window":1}"#, "/problems/invalid-policy",
                    #"unknown algorithm "leaky"; expected one of gcra, token_bucket"#
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":1e20,"window":1}"#, "/problems/malformed-json",
                    "field 'limit' is invalid: 100000000000000000000 is too large for an integer"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":99999999999999999999,"window":1}"#, "/problems/malformed-json",
                    "field 'limit' is invalid: 99999999999999999999 is too large"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":2.5,"window":1}"#, "/problems/malformed-json",
                    "field 'limit' is invalid: must be an integer, not 2.5"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":5,"window":1,"burst":1e10}"#, "/problems/invalid-policy",
                    "burst must be between 1 and 1000000000, not 10000000000"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":1000000001,"window":1}"#, "/problems/invalid-policy",
                    "limit must be between"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":1,"window":31536000,"burst":1000000000}"#,
                    "/problems/invalid-policy", "2^53"
                ),
                ("p", #"{"algorithm":"gcra","limit":5,"window":1,"burst":0}"#, "/problems/invalid-policy", "burst"),
                (
                    "p", #"{"algorithm":"fixed_window","limit":5,"window":1,"burst":2}"#, "/problems/invalid-policy",
                    "burst applies to gcra and token_bucket only"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":5,"window":1,"onStoreFailure":"local"}"#,
                    "/problems/invalid-policy", "localFraction"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":5,"window":1,"onStoreFailure":"local","localFraction":1.5}"#,
                    "/problems/invalid-policy", "localFraction must be in (0, 1]"
                ),
                (
                    "p", #"{"algorithm":"gcra","limit":5,"window":"1"}"#, "/problems/malformed-json",
                    "'window' must be a number"
                ),
                ("p", #"{"algorithm":"gcra","limit":5,"window":1,"windw":2}"#, "/problems/malformed-json", "'windw'"),
                ("p", #"{"algorithm":"gcra","limit":5}"#, "/problems/malformed-json", "'window' is required"),
                ("p", #"{}"#, "/problems/malformed-json", "'algorithm' is required"),
                ("p", "[1]", "/problems/malformed-json", "object"),
                ("p", #"{"algorithm":"gcra""#, "/problems/malformed-json", "not valid JSON"),
                (
                    "p", #"{"name":"q","algorithm":"gcra","limit":5,"window":1}"#, "/problems/bad-request",
                    #"The body names policy "q" but the path names "p"."#
                ),
                (
                    "p", #"{"name":7,"algorithm":"gcra","limit":5,"window":1}"#, "/problems/malformed-json",
                    "'name' must be a string"
                ),
                (
                    "bad%20name", #"{"algorithm":"gcra","limit":5,"window":1}"#, "/problems/invalid-policy",
                    "The policy name"
                ),
                (
                    String(repeating: "n", count: 65), #"{"algorithm":"gcra","limit":5,"window":1}"#,
                    "/problems/invalid-policy", "is invalid"
                ),
            ]
            for (name, body, type, detail) in cases {
                let response = try await put(client, name, body)
                #expect(response.status == .badRequest, "\(body)")
                let problem = try problem(response)
                #expect((problem["type"] as? String ?? "").hasPrefix(type), "\(body): \(problem)")
                #expect((problem["detail"] as? String ?? "").contains(detail), "\(body): \(problem)")
            }
            try await client.execute(uri: "/v1/ratelimit/policies", method: .get) { response in
                let list = try jsonObject(response)["policies"] as? [[String: Any]]
                #expect(list?.compactMap { $0["name"] as? String } == ["demo"])
            }
            try await client.execute(uri: "/problems/invalid-policy", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("the demo route: seeded policy, exact fields, 429 with Retry-After and problem+json, live policy changes")
    func demo() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            try await client.execute(uri: "/v1/ratelimit/policies/demo", method: .get) { response in
                #expect(
                    String(buffer: response.body)
                        == #"{"algorithm":"gcra","burst":5,"limit":5,"name":"demo","onStoreFailure":"open","window":10}"#
                )
            }
            // The same shape with one unit per two hours: exact fields whatever the machine's pace.
            #expect(
                try await put(client, "demo", #"{"algorithm":"gcra","limit":5,"window":36000,"burst":5}"#).status == .ok
            )
            for remaining in (0..<5).reversed() {
                try await client.execute(uri: "/v1/ratelimit/demo", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"policy":"demo","status":"ok"}"#)
                    #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=36000"#)
                    // t counts down with the real clock: exact unless the machine stalls, so allow a minute of it.
                    let field = response.headers[RateLimitHeaders.limitField] ?? ""
                    #expect(field.hasPrefix("\"demo\";r=\(remaining);t="), "\(field)")
                    let reset = Int(field.split(separator: "=").last ?? "") ?? -1
                    #expect((7200 * (5 - remaining) - 60)...(7200 * (5 - remaining)) ~= reset, "\(field)")
                }
            }
            try await client.execute(uri: "/v1/ratelimit/demo", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                // One unit every two hours; the wait shrinks with the real clock, so allow a minute of stall.
                let retry = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                #expect((7140...7200).contains(retry))
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=5;w=36000"#)
                #expect(response.headers[RateLimitHeaders.limitField] == "\"demo\";r=0;t=\(retry)")
                let problem = try problem(response)
                #expect(problem["type"] as? String == "/problems/rate-limited")
                #expect(problem["status"] as? Int == 429)
                #expect(
                    problem["detail"] as? String == "Too many requests under policy \"demo\"; retry after \(retry) s."
                )
            }
            try await client.execute(uri: "/problems/rate-limited", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response)
                #expect(body["title"] as? String == "Too Many Requests")
            }
            // A change through the API applies to the next request.
            #expect(
                try await put(client, "demo", #"{"algorithm":"fixed_window","limit":1000,"window":3600}"#).status == .ok
            )
            try await client.execute(uri: "/v1/ratelimit/demo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.policyField] == #""demo";q=1000;w=3600"#)
            }
            // The baseline route is never limited.
            try await client.execute(uri: "/v1/ratelimit/demo/baseline", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"policy":"demo","status":"ok"}"#)
                #expect(response.headers[RateLimitHeaders.limitField] == nil)
            }
            // Without the policy the route is not limited and sends no fields (deleting it needs force: the route applies it).
            try await client.execute(uri: "/v1/ratelimit/policies/demo", method: .delete, headers: auth) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/demo?force=true", method: .delete, headers: auth) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/ratelimit/demo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.limitField] == nil)
            }
        }
    }

    @Test("GET /stats: cumulative counts per policy and the most limited keys")
    func stats() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            #expect(
                try await put(client, "one", #"{"algorithm":"fixed_window","limit":1,"window":3600}"#).status == .ok
            )
            for key in ["a", "a", "a", "b", "b"] {
                _ = try await check(client, #"{"descriptors":[{"policy":"one","key":"\#(key)"}]}"#)
            }
            try await client.execute(uri: "/v1/ratelimit/stats", method: .get) { response in
                #expect(response.status == .ok)
                #expect(
                    String(buffer: response.body)
                        == #"{"allowed":2,"denied":3,"fallbackDecisions":0,"limitedKeys":[{"denied":2,"key":"a","policy":"one"},{"denied":1,"key":"b","policy":"one"}],"policies":{"one":{"allowed":2,"denied":3}},"store":"memory","usingFallback":false}"#
                )
            }
            try await client.execute(uri: "/v1/ratelimit/stats?top=1", method: .get) { response in
                let body = try jsonObject(response)
                #expect((body["limitedKeys"] as? [Any])?.count == 1)
            }
            for bad in ["0", "101", "x", "1.5"] {
                try await client.execute(uri: "/v1/ratelimit/stats?top=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest)
                    let body = try problem(response)
                    #expect(body["type"] as? String == "/problems/invalid-parameter")
                }
            }
            try await client.execute(uri: "/v1/ratelimit", method: .get) { response in
                let body = try jsonObject(response)
                #expect(body["openapi"] as? String == "/v1/ratelimit/openapi.json")
            }
            try await client.execute(uri: "/systems/ratelimit", method: .get) { response in
                #expect(response.status != .notFound)
            }
            // The page's script and style sheet are files (no inline script or style, for the CSP).
            for (path, type, fragment) in [
                ("/systems/ratelimit/page.js", "text/javascript; charset=utf-8", "rl-fire-burst"),
                ("/systems/ratelimit/page.css", "text/css; charset=utf-8", "#ratelimit"),
            ] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == type)
                    #expect(String(buffer: response.body).contains(fragment))
                }
            }
        }
    }

    @Test("configuration: bad ratelimit.* values stop the server naming the key")
    func configuration() async throws {
        let cases: [([String: String], String)] = [
            (["ratelimit.store": "redis"], "ratelimit.store"),
            (["ratelimit.store": "disk"], "ratelimit.store"),
            (["ratelimit.decisionTimeout": "0"], "ratelimit.decisionTimeout"),
            (["ratelimit.decisionTimeout": "soon"], "ratelimit.decisionTimeout"),
            (["ratelimit.recoveryProbeInterval": "7200"], "ratelimit.recoveryProbeInterval"),
            (["ratelimit.trustedProxies": "10.0.0.0/8, 10.0.0.1/8"], "ratelimit.trustedProxies"),
            (["ratelimit.trustedProxies": "proxy.local"], "ratelimit.trustedProxies"),
            (["ratelimit.forwardedHeader": "x-real-ip"], "ratelimit.forwardedHeader"),
            (["ratelimit.keyPrefix": "has space"], "ratelimit.keyPrefix"),
            (["ratelimit.keyPrefix": "{tagged}"], "ratelimit.keyPrefix"),
        ]
        for (flags, key) in cases {
            do {
                _ = try await TestApplication.make(
                    flags: flags.merging(["ratelimit.store": flags["ratelimit.store"] ?? "memory"]) { a, _ in a },
                    systems: [RateLimitSystem.self]
                )
                Issue.record("\(flags) was accepted")
            } catch let error as ConfigurationError {
                #expect(error.key == key, "\(error)")
                #expect("\(error)".contains(ConfigurationKeyNames(key).environment), "\(error)")
            }
        }
        // Valid values are taken.
        let reader = try await ConfigurationSources.makeReader(
            commandLine: [
                "ratelimit.decisionTimeout": "250ms", "ratelimit.trustedProxies": " 10.0.0.0/8,::1 , 192.0.2.7",
                "ratelimit.forwardedHeader": "forwarded", "ratelimit.keyPrefix": "app:rl", "ratelimit.store": "memory",
            ],
            environment: [:]
        )
        let configuration = try RateLimitSystem.Configuration(reader: reader.scoped(to: "ratelimit"))
        #expect(configuration.decisionTimeout == .milliseconds(250))
        #expect(configuration.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128", "192.0.2.7/32"])
        #expect(configuration.forwardedHeader == .forwarded)
        #expect(configuration.keyPrefix == "app:rl")
        #expect(configuration.store == .memory)
        #expect(configuration.recoveryProbeInterval == .seconds(1))
    }
}
