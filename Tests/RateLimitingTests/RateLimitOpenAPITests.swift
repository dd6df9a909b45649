import APIDocumentation
import Foundation
import Hummingbird
import HummingbirdTesting
import OpenAPIKit
import Platform
import RateLimiting
import TestSupport
import Testing

@Suite("Rate limiter's OpenAPI document")
struct RateLimitOpenAPITests {
    /// The system as `mastery serve` builds it (in memory), and a bare router its routes were added to.
    func mounted() async throws -> (RateLimitSystem, Router<MasteryRequestContext>) {
        let system = try await RateLimitSystem(context: .forTesting(RateLimitSystem.self))
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: RateLimitSystem.descriptor, router: router))
        return (system, router)
    }

    @Test("the document describes exactly the routes under /v1/ratelimit, in both directions")
    func routesMatch() async throws {
        let (system, router) = try await mounted()
        let document = try #require(system.apiDocument)
        let check = OpenAPIRouteCheck(document: document, router: router, prefix: RateLimitSystem.descriptor.apiPath)
        #expect(check.matches, "\(check)")
        #expect(check.routed.count == 10, "\(check.routed.sorted())")
    }

    @Test("policy writes need the bearer token; the decision route explicitly needs none; reads say nothing")
    func security() throws {
        let paths = RateLimitOpenAPI.document.paths
        let policy = try #require(paths["/policies/{name}"]?.b)
        #expect(policy.put?.security == .bearerAuth)
        #expect(policy.delete?.security == .bearerAuth)
        #expect(policy.get?.security == nil)
        #expect(paths["/check"]?.b?.post?.security == .noCredentials)
        #expect(RateLimitOpenAPI.json.contains(#""security":[]"#))
    }

    @Test("every limit the server enforces is in the schemas")
    func limits() throws {
        let schemas = RateLimitOpenAPI.document.components.schemas
        let check = try #require(schemas["CheckRequest"]?.objectContext)
        #expect(check.properties["descriptors"]?.arrayContext?.maxItems == RateLimitCheck.maximumChecks)
        #expect(check.properties["cost"]?.integerContext?.maximum?.value == RateLimitCheck.maximumCost)
        let policy = try #require(schemas["Policy"]?.objectContext)
        #expect(policy.properties["limit"]?.integerContext?.maximum?.value == RateLimitPolicy.maximumLimit)
        #expect(Set(policy.requiredProperties) == ["name", "algorithm", "limit", "window", "onStoreFailure"])
        let input = try #require(schemas["PolicyInput"]?.objectContext)
        #expect(Set(input.requiredProperties) == ["algorithm", "limit", "window"])
        #expect(schemas["PolicyName"]?.stringContext?.pattern?.contains("\(RateLimitPolicy.maximumNameLength)") == true)
    }

    @Test("GET /v1/ratelimit/openapi.json serves the document under its prefix")
    func served() async throws {
        let (_, router) = try await mounted()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/v1/ratelimit/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let text = String(buffer: response.body)
                #expect(text == RateLimitOpenAPI.json)
                let served = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(text.utf8))
                #expect(served.paths["/v1/ratelimit/policies/{name}"] != nil)
                #expect(served.paths["/v1/ratelimit"] != nil)
                #expect(served.openAPIVersion == .v3_1_0)
            }
        }
    }

    @Test(
        "the document, alone and merged as the server serves it, passes openapi-spec-validator (a broken one does not)",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func validates() async throws {
        let result = try await OpenAPISpecValidator.validate(RateLimitOpenAPI.json, name: "ratelimit.json")
        #expect(result.isValid, "\(result.output)")
        // The validator really validates: a document without its required info object is refused.
        let broken = RateLimitOpenAPI.json.replacingOccurrences(of: #""info":{"#, with: #""information":{"#)
        #expect(broken != RateLimitOpenAPI.json)
        let refused = try await OpenAPISpecValidator.validate(broken, name: "broken.json")
        #expect(!refused.isValid, "\(refused.output)")
        // Under its prefix, and as the server merges it into GET /v1/openapi.json (tagged, operation IDs qualified).
        let (alone, merged) = try await OpenAPISpecValidator.validate(
            RateLimitOpenAPI.document,
            of: RateLimitSystem.descriptor
        )
        #expect(alone.isValid, "\(alone.output)")
        #expect(merged.isValid, "\(merged.output)")
    }
}
