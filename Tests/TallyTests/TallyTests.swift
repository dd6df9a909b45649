import APIDocumentation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MasteryServer
import NIOCore
import OpenAPIKit
import Platform
import Storage
import Tally
import TestSupport
import Testing

@Suite("Tally: the store, the API mounted alone, and hostile input")
struct TallyTests {
    static let adminToken = "test-admin-token-0123456789"

    @Test("concurrent increments are all counted; a missing counter and bad input are refused")
    func store() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let storage = try SQLiteStorage(path: folder.appendingPathComponent("tally.sqlite").path)
        try await storage.migrate([TallyStore.migrations], logger: .init(label: "test"))
        let store = TallyStore(storage: storage)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { for _ in 0..<25 { _ = try await store.increment("visits") } } }
            try await group.waitForAll()
        }
        #expect(try await store.value(of: "visits") == 200)
        await #expect(throws: TallyError(.unknownCounter, "there is no counter named none")) {
            try await store.value(of: "none")
        }
        for name in ["", "Upper", "a/b", String(repeating: "a", count: 65), "x'; DROP TABLE tally_counters; --"] {
            await #expect(throws: TallyError.self) { try await store.increment(name) }
        }
        await #expect(throws: TallyError.self) { try await store.increment("visits", by: 0) }
        #expect(try await store.value(of: "visits") == 200)
    }

    @Test("the API under /v1/tally: reads are open, increments need the admin token, errors are problems")
    func api() async throws {
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken],
            systems: [TallySystem.self]
        )
        try await assembly.application.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(Self.adminToken)", .contentType: "application/json"]
            try await client.execute(uri: "/v1/tally/visits/increment", method: .post, body: .init(string: "{}")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/v1/tally/visits/increment",
                method: .post,
                headers: auth,
                body: .init(string: #"{"by":41}"#)
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/v1/tally/visits/increment",
                method: .post,
                headers: auth,
                body: .init(string: "{}")
            ) {
                let counter = try jsonObject($0)
                #expect(counter["value"] as? Int == 42)
            }
            try await client.execute(uri: "/v1/tally/visits", method: .get) {
                let counter = try jsonObject($0)
                #expect(counter["value"] as? Int == 42)
            }
            try await client.execute(uri: "/v1/tally/missing", method: .get) { response in
                #expect(response.status == .notFound)
                let detail = try problem(response)["detail"] as? String
                #expect(detail == "there is no counter named missing.")
            }
            try await client.execute(
                uri: "/v1/tally/visits/increment",
                method: .post,
                headers: auth,
                body: .init(string: #"{"by":0}"#)
            ) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: "/v1/tally/visits/increment",
                method: .post,
                headers: auth,
                body: .init(string: "{")
            ) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/tally?limit=0", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/tally?limit=x", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/tally?limit=10", method: .get) {
                let list = try jsonObject($0)["counters"] as? [[String: Any]]
                #expect(list?.map { $0["name"] as? String } == ["visits"])
            }
            try await client.execute(uri: "/systems/tally", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(#"<td data-value="visits">42</td>"#), "\(html)")
                #expect(html.contains(#"data-api="/v1/tally""#))
                #expect(html.contains(#"<script src="/systems/tally/page.js" defer></script>"#), "\(html)")
            }
        }
    }

    @Test("the hostile battery against the tally's routes on a real mastery serve")
    func hostileBattery() async throws {
        try await ServeProcess.withRunning { server in
            let battery = HostileBattery(
                // pages: the page lists the counters the battery's payloads created (as text, or the battery fails)
                routes: [
                    .init(
                        "POST",
                        "/v1/tally/battery/increment",
                        body: #"{"by":1}"#,
                        parameterized: "/v1/tally/{}/increment"
                    ),
                    .init("GET", "/v1/tally/battery", parameterized: "/v1/tally/{}"),
                ],
                pages: ["/systems/tally"],
                statePaths: ["/v1/tally/battery"]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }

    @Test("the API document describes exactly the routes under /v1/tally, in both directions")
    func documentMatchesRoutes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let context = try await SystemContext.forTesting(TallySystem.self, flags: ["dataDir": folder.path])
        let system = try await TallySystem(context: context)
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: TallySystem.descriptor, router: router))
        let check = OpenAPIRouteCheck(document: try #require(system.apiDocument), router: router, prefix: "/v1/tally")
        #expect(check.matches, "\(check)")
        #expect(check.routed.count == 3, "\(check.routed.sorted())")
    }

    @Test(
        "the document, alone and merged, passes openapi-spec-validator as OpenAPI 3.1",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func documentValidates() async throws {
        let (alone, merged) = try await OpenAPISpecValidator.validate(TallyOpenAPI.document, of: TallySystem.descriptor)
        #expect(alone.isValid, "\(alone.output)")
        #expect(merged.isValid, "\(merged.output)")
    }
}
