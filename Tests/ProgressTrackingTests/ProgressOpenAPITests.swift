import APIDocumentation
import Foundation
import Hummingbird
import HummingbirdTesting
import OpenAPIKit
import Platform
import ProgressTracking
import TestSupport
import Testing

@Suite("Progress tracker's OpenAPI document")
struct ProgressOpenAPITests {
    /// The system as `mastery serve` builds it, on a fresh progress file, and a bare router its routes were added to.
    func mounted() async throws -> (ProgressSystem, Router<MasteryRequestContext>) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-progress-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("PROGRESS.md").path
        try ProgressFileStore(path: file).create(.new(startingOn: Fixture.date("2025-01-06")))
        let context = try await SystemContext.forTesting(ProgressSystem.self, flags: ["progressFile": file])
        let system = try await ProgressSystem(context: context)
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: ProgressSystem.descriptor, router: router))
        return (system, router)
    }

    @Test("the document describes exactly the routes under /v1/progress, in both directions")
    func routesMatch() async throws {
        let (system, router) = try await mounted()
        let document = try #require(system.apiDocument)
        let check = OpenAPIRouteCheck(document: document, router: router, prefix: ProgressSystem.descriptor.apiPath)
        #expect(check.matches, "\(check)")
        #expect(check.routed.count == 5, "\(check.routed.sorted())")
        // The page and its assets are not part of the API.
        #expect(!check.routed.contains { $0.path.hasPrefix("/progress") || $0.path.hasPrefix("/systems") })
    }

    @Test("the verbs need the bearer token and answer the report; complete takes an optional JSON body")
    func verbs() throws {
        let paths = ProgressOpenAPI.document.paths
        for verb in ["start", "complete", "skip"] {
            let item = try #require(paths[OpenAPI.Path(rawValue: "/projects/{number}/\(verb)")]?.b)
            let post = try #require(item.post)
            #expect(post.security == .bearerAuth)
            #expect(post.responses[status: 200] != nil)
            #expect(post.responses[status: 409] != nil)
            #expect(item.parameters.first?.b?.name == "number")
            #expect((post.requestBody != nil) == (verb == "complete"))
        }
    }

    @Test("a real report has exactly the fields its schemas name, the required ones included")
    func reportMatchesSchema() async throws {
        let (_, router) = try await mounted()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/v1/progress", method: .get) { response in
                #expect(response.status == .ok)
                let report = try #require(
                    try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                )
                try Self.check(report, against: "ProgressReport")
                let snapshot = try #require(report["snapshot"] as? [String: Any])
                try Self.check(snapshot, against: "ProgressSnapshot")
                try Self.check(try #require(snapshot["totals"] as? [String: Any]), against: "ProgressTotals")
                let section = try #require((snapshot["sections"] as? [[String: Any]])?.first)
                try Self.check(section, against: "ProgressSection")
                try Self.check(
                    try #require((section["projects"] as? [[String: Any]])?.first),
                    against: "ProgressProject"
                )
                try Self.check(
                    try #require((snapshot["checklist"] as? [[String: Any]])?.first),
                    against: "ProgressChecklistItem"
                )
                try Self.check(
                    try #require((snapshot["reflections"] as? [[String: Any]])?.first),
                    against: "ProgressReflection"
                )
                try Self.check(try #require(report["pace"] as? [String: Any]), against: "ProgressPace")
            }
            try await client.execute(uri: "/v1/progress/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == ProgressOpenAPI.json)
            }
        }
    }

    /// Checks that `object` has only fields the schema `name` names, and every field it requires.
    static func check(_ object: [String: Any], against name: String) throws {
        let schemas = ProgressOpenAPI.document.components.schemas
        let schema = try #require(schemas[OpenAPI.ComponentKey(stringLiteral: name)]?.objectContext, "\(name)")
        let documented = Set(schema.properties.keys)
        #expect(
            Set(object.keys).isSubset(of: documented),
            "\(name): \(Set(object.keys).subtracting(documented).sorted())"
        )
        #expect(Set(schema.requiredProperties).isSubset(of: Set(object.keys)), "\(name)")
    }

    @Test(
        "the document, alone and merged as the server serves it, passes openapi-spec-validator as OpenAPI 3.1",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func validates() async throws {
        // Under its prefix, and as the server merges it into GET /v1/openapi.json (tagged, operation IDs qualified).
        let (alone, merged) = try await OpenAPISpecValidator.validate(
            ProgressOpenAPI.document,
            of: ProgressSystem.descriptor
        )
        #expect(alone.isValid, "\(alone.output)")
        #expect(merged.isValid, "\(merged.output)")
    }
}
