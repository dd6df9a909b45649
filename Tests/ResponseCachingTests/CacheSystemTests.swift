import APIDocumentation
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import NIOCore
import NIOHTTP1
import OpenAPIKit
import Platform
import ResponseCaching
import TestSupport
import Testing

@Suite("The cache mounted alone: purge, counters, the demo products API, the document")
struct CacheSystemTests {
    static let adminToken = "test-admin-token-0123456789"

    @Test("the demo is cached and a PUT invalidates it; purge and counters need the admin token")
    func api() async throws {
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken],
            systems: [ResponseCacheSystem.self]
        )
        try await assembly.application.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(Self.adminToken)", .contentType: "application/json"]
            let status = HTTPField.Name("Cache-Status")!
            try await client.execute(
                uri: "/v1/cache/demo/products/7",
                method: .put,
                headers: auth,
                body: .init(string: #"{"name":"lamp","priceCents":1999}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/cache/demo/products/7", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[status]?.contains("fwd=uri-miss") == true, "\(response.headers)")
            }
            try await client.execute(uri: "/v1/cache/demo/products/7", method: .get) { response in
                #expect(response.headers[status]?.contains("hit") == true)
                let product = try jsonObject(response)
                #expect(product["name"] as? String == "lamp")
            }
            try await client.execute(
                uri: "/v1/cache/demo/products/7",
                method: .put,
                headers: auth,
                body: .init(string: #"{"name":"desk lamp","priceCents":2499}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/cache/demo/products/7", method: .get) { response in
                let product = try jsonObject(response)
                #expect(product["name"] as? String == "desk lamp")
            }
            // Purge and counters: 401 without the token.
            try await client.execute(
                uri: "/v1/cache/purge",
                method: .post,
                headers: [.contentType: "application/json"],
                body: .init(string: #"{"tags":["products"]}"#)
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/cache", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/v1/cache/purge",
                method: .post,
                headers: auth,
                body: .init(string: #"{"tags":["products"]}"#)
            ) { response in
                #expect(response.status == .ok)
                let outcome = try jsonObject(response)
                #expect(outcome["purged"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/cache/demo/products/7", method: .get) { response in
                #expect(response.headers[status]?.contains("hit") == false)
            }
            for bad in [#"{}"#, #"{"tags":[""]}"#, #"{"tags":["a\nb"]}"#, "{", #"{"keys":"x"}"#] {
                try await client.execute(uri: "/v1/cache/purge", method: .post, headers: auth, body: .init(string: bad))
                {
                    #expect($0.status == .badRequest, "\(bad)")
                }
            }
            let tooMany = "{\"tags\":[" + (0...1_000).map { "\"t\($0)\"" }.joined(separator: ",") + "]}"
            try await client.execute(uri: "/v1/cache/purge", method: .post, headers: auth, body: .init(string: tooMany))
            {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/cache", method: .get, headers: auth) { response in
                let stats = try jsonObject(response)
                #expect((stats["memory"] as? [String: Any])?["hits"] as? Int ?? 0 >= 1)
                #expect(stats["invalidationsMade"] as? Int ?? 0 >= 2)
            }
            // GET /v1/cache copied the counters into /metrics, per tier.
            try await client.execute(uri: "/metrics", method: .get, headers: auth) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"cache_hits_total{tier="memory"}"#), "\(text.prefix(2_000))")
                #expect(text.contains("cache_origin_calls_total"))
                #expect(text.contains(#"cache_bytes{tier="memory"}"#))
            }
            try await client.execute(uri: "/v1/cache/demo/products/0", method: .get) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/cache/demo/products/99", method: .get) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/systems/cache", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#"data-api="/v1/cache""#))
            }
        }
    }

    @Test("the API document describes exactly the routes under /v1/cache, in both directions")
    func documentMatchesRoutes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (assembly, _) = try await TestApplication.make(
            flags: ["adminToken": Self.adminToken, "dataDir": folder.path],
            systems: [ResponseCacheSystem.self]
        )
        _ = assembly
        let context = try await SystemContext.forTesting(ResponseCacheSystem.self, flags: ["dataDir": folder.path])
        let system = try await ResponseCacheSystem(context: context)
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: ResponseCacheSystem.descriptor, router: router))
        let check = OpenAPIRouteCheck(document: try #require(system.apiDocument), router: router, prefix: "/v1/cache")
        #expect(check.matches, "\(check)")
    }

    @Test(
        "the document, alone and merged, passes openapi-spec-validator as OpenAPI 3.1",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func documentValidates() async throws {
        let (alone, merged) = try await OpenAPISpecValidator.validate(
            ResponseCacheOpenAPI.document,
            of: ResponseCacheSystem.descriptor
        )
        #expect(alone.isValid, "\(alone.output)")
        #expect(merged.isValid, "\(merged.output)")
    }

    @Test("the hostile battery against the cache's routes on a real mastery serve")
    func hostileBattery() async throws {
        try await ServeProcess.withRunning { server in
            let battery = HostileBattery(
                routes: [
                    .init("POST", "/v1/cache/purge", body: #"{"tags":["battery"]}"#),
                    .init("GET", "/v1/cache/demo/products/1", parameterized: "/v1/cache/demo/products/{}"),
                    .init(
                        "PUT",
                        "/v1/cache/demo/products/1",
                        body: #"{"name":"battery","priceCents":1}"#,
                        parameterized: "/v1/cache/demo/products/{}"
                    ),
                ],
                pages: ["/systems/cache"],
                statePaths: ["/v1/cache/demo/products/1"]
            )
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }
}

@Suite("The cache's edge on a real mastery serve", .timeLimit(.minutes(3)))
struct CacheEdgeServeTests {
    static let token = "edge-serve-token-0123456789abcdef0123456789"

    /// One exchange; the response's head fields by lowercase name.
    func send(
        _ client: HTTPClient,
        _ method: HTTPMethod,
        _ url: String,
        json: String? = nil
    ) async throws -> (status: Int, fields: [String: String], body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            request.headers.add(name: "Authorization", value: "Bearer \(Self.token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name.lowercased()] = value }
        return (Int(response.status.code), fields, String(buffer: body))
    }

    @Test(
        "hits are answered before routing (no request ID), a PUT is seen at once, and cache.edge=false routes every hit",
        arguments: [true, false]
    )
    func edge(enabled: Bool) async throws {
        let environment = enabled ? [:] : ["MASTERY_CACHE_EDGE": "false"]
        try await ServeProcess.withRunning(arguments: ["--admin-token", Self.token], environment: environment) {
            server in
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            do {
                try await exchanges(client, server, enabled: enabled)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    func exchanges(_ client: HTTPClient, _ server: ServeProcess, enabled: Bool) async throws {
        let url = "http://127.0.0.1:\(server.port)/v1/cache/demo/products/5"
        #expect(try await send(client, .PUT, url, json: #"{"name":"lamp","priceCents":100}"#).status == 200)
        // HEAD before anything is stored: routed, the middleware fetches with GET, stores, and answers without a body.
        let miss = try await send(client, .HEAD, url)
        #expect(miss.status == 200 && miss.body.isEmpty && miss.fields["content-length"] != nil, "\(miss.fields)")
        #expect(miss.fields["cache-status"]?.contains("fwd=uri-miss") == true && miss.fields["x-request-id"] != nil)
        for _ in 0..<3 {
            let hit = try await send(client, .GET, url)
            #expect(hit.status == 200 && hit.body.contains(#""name":"lamp""#))
            #expect(hit.fields["cache-status"]?.hasPrefix("mastery; hit") == true, "\(hit.fields)")
            // The routed path gives every response a request ID; the edge answers before it.
            #expect((hit.fields["x-request-id"] == nil) == enabled, "\(hit.fields)")
            #expect(hit.fields["content-length"] == String(hit.body.utf8.count))
            #expect(hit.fields["x-content-type-options"] == "nosniff" && hit.fields["date"] != nil)
        }
        #expect(try await send(client, .PUT, url, json: #"{"name":"desk lamp","priceCents":200}"#).status == 200)
        let after = try await send(client, .GET, url)
        #expect(after.body.contains(#""name":"desk lamp""#), "\(after.body)")
        // A client that asks to close gets its answer, then the close (ServeProcess.get sends Connection: close).
        let closing = try await server.get("/v1/cache/demo/products/5")
        #expect(closing.status == 200 && closing.body.contains("desk lamp"))
        #expect(closing.headers.lowercased().contains("connection: close"), "\(closing.headers)")
    }
}
