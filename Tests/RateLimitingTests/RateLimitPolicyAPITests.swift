import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import Platform
import RateLimiting
import TestSupport
import Testing

/// Issue 11, item 2 over HTTP: percent-decoded names, `.`/`..` refused, the policy cap, paging, and deleting a
/// policy a route applies.
@Suite("Rate-limit policy API: names, cap, paging, deletion of a used policy")
struct RateLimitPolicyAPITests {
    let auth: HTTPFields = [
        .authorization: "Bearer \(RateLimitHTTPTests.adminToken)", .contentType: "application/json",
    ]
    let body = ByteBuffer(string: #"{"algorithm":"fixed_window","limit":5,"window":60}"#)

    @Test("a percent-encoded name is decoded; '.' and '..' are refused with a clear 400")
    func names() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            try await client.execute(uri: "/v1/ratelimit/policies/x%3Ay", method: .put, headers: auth, body: body) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let object = try jsonObject(response)
                #expect(object["name"] as? String == "x:y")
            }
            try await client.execute(uri: "/v1/ratelimit/policies/x%3Ay", method: .get) { response in
                let object = try jsonObject(response)
                #expect(object["name"] as? String == "x:y")
            }
            try await client.execute(uri: "/v1/ratelimit/policies/x:y", method: .get) { #expect($0.status == .ok) }
            for name in ["%2E", "%2E%2E", ".", ".."] {
                try await client.execute(uri: "/v1/ratelimit/policies/\(name)", method: .put, headers: auth, body: body)
                { response in
                    // A router may also refuse a literal dot-segment before the handler: never a 2xx.
                    #expect(!(200..<300).contains(response.status.code), "\(name)")
                    if name.hasPrefix("%") {
                        #expect(response.status == .badRequest)
                        #expect(String(buffer: response.body).contains("cannot be addressed in a URL path"))
                    }
                }
            }
            try await client.execute(uri: "/v1/ratelimit/policies/x%3Ay", method: .delete, headers: auth) {
                #expect($0.status == .noContent)
            }
        }
    }

    @Test("ratelimit.maxPolicies caps the count with a 409; replacing still works")
    func cap() async throws {
        try await rateLimitServer(["ratelimit.maxPolicies": "3"]).application.test(.router) { client in
            try await waitForPolicies(client)  // demo is one of the three
            for name in ["p1", "p2"] {
                try await client.execute(uri: "/v1/ratelimit/policies/\(name)", method: .put, headers: auth, body: body)
                {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/v1/ratelimit/policies/p3", method: .put, headers: auth, body: body) {
                response in
                #expect(response.status == .conflict)
                let problem = try jsonObject(response)
                #expect(problem["type"] as? String == "/problems/too-many-policies")
                #expect((problem["detail"] as? String)?.contains("ratelimit.maxPolicies") == true)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/p2", method: .put, headers: auth, body: body) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("GET /policies pages with limit and after; bad limits are refused")
    func paging() async throws {
        try await rateLimitServer(["ratelimit.maxPolicies": "300"]).application.test(.router) { client in
            try await waitForPolicies(client)
            for index in 0..<149 {
                let name = "p\(String(format: "%03d", index))"
                try await client.execute(uri: "/v1/ratelimit/policies/\(name)", method: .put, headers: auth, body: body)
                {
                    #expect($0.status == .ok)
                }
            }
            // 150 policies with demo: the default page holds 100.
            var names: [String] = []
            try await client.execute(uri: "/v1/ratelimit/policies", method: .get) { response in
                let page = try JSONDecoder().decode(
                    RateLimitAPI.PolicyList.self,
                    from: Data(response.body.readableBytesView)
                )
                #expect(page.policies.count == RateLimitController.defaultPageSize)
                #expect(page.next == page.policies.last?.name)
            }
            var after: String? = nil
            repeat {
                let uri = "/v1/ratelimit/policies?limit=40" + (after.map { "&after=\($0)" } ?? "")
                after = try await client.execute(uri: uri, method: .get) { response in
                    let page = try JSONDecoder().decode(
                        RateLimitAPI.PolicyList.self,
                        from: Data(response.body.readableBytesView)
                    )
                    #expect(page.policies.count <= 40)
                    names += page.policies.map(\.name)
                    return page.next
                }
            } while after != nil
            #expect(names.count == 150 && names == names.sorted() && Set(names).count == 150)
            for bad in ["0", "1001", "x"] {
                try await client.execute(uri: "/v1/ratelimit/policies?limit=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest)
                    let object = try jsonObject(response)
                    #expect(object["type"] as? String == "/problems/invalid-parameter")
                }
            }
        }
    }

    @Test("deleting the policy the demo route applies is refused with 409 naming the route, unless forced")
    func deletingAUsedPolicy() async throws {
        try await rateLimitServer().application.test(.router) { client in
            try await waitForPolicies(client)
            try await client.execute(uri: "/v1/ratelimit/policies/demo", method: .delete, headers: auth) { response in
                #expect(response.status == .conflict)
                let problem = try jsonObject(response)
                #expect(problem["type"] as? String == "/problems/policy-in-use")
                #expect((problem["detail"] as? String)?.contains("GET /v1/ratelimit/demo") == true)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/demo", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/ratelimit/policies/demo?force=maybe", method: .delete, headers: auth) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/demo?force=true", method: .delete, headers: auth) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/ratelimit/policies/demo", method: .get) {
                #expect($0.status == .notFound)
            }
        }
    }
}
