import APIDocumentation
import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MasteryServer
import OpenAPIKit
import Platform
import TestSupport
import Testing

/// A system that exists only in tests: its name and API document hold the hostile battery's markup payloads, so the
/// tests can check `/docs` shows them as text.
struct HostileDocsSystem: MasterySystem {
    static let payload = HostileBattery.xssPayloads.joined(separator: " ")
    static let descriptor = SystemDescriptor(
        number: 98,
        name: "Hostile \(payload)",
        module: "HostileDocs",
        slug: "hostile",
        summary: payload,
        anchors: "none"
    )

    init(context: SystemContext) async throws {}

    func addRoutes(to routes: SystemRoutes) {
        routes.api.get("{name}") { _, _ in "ok" }
    }

    var apiDocument: OpenAPI.Document? {
        var builder = APIDocumentBuilder(title: Self.payload, description: Self.payload)
        builder.schema(
            "HostileThing",
            .object(description: Self.payload, properties: ["field": .string(description: Self.payload)])
        )
        builder.add(
            .get,
            "/{name}",
            parameters: [.parameter(.path(name: "name", schema: .string, description: Self.payload))],
            OpenAPI.Operation(
                summary: Self.payload,
                description: Self.payload,
                operationId: "get\(Self.payload)",
                responses: [200: .json(Self.payload, .component("HostileThing")), 404: .notFound]
            )
        )
        return builder.document
    }
}

/// A second system describing a path the hostile one already describes.
struct CollidingDocsSystem: MasterySystem {
    static let descriptor = SystemDescriptor(
        number: 97,
        name: "Colliding",
        module: "CollidingDocs",
        slug: "hostile",
        summary: "",
        anchors: "none"
    )
    init(context: SystemContext) async throws {}
    func addRoutes(to routes: SystemRoutes) {}
    var apiDocument: OpenAPI.Document? {
        var builder = APIDocumentBuilder(title: "Colliding")
        builder.add(.get, "/{name}", OpenAPI.Operation(responses: [200: .empty("Yes.")]))
        return builder.document
    }
}

@Suite("API documentation: GET /v1/openapi.json and /docs")
struct APIDocsTests {
    func get(
        _ path: String,
        from assembly: MasteryServer.Assembly
    ) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        try await assembly.application.test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                (response.status, response.headers, String(buffer: response.body))
            }
        }
    }

    @Test("the route check names what is routed but undocumented, and documented but not routed")
    func routeCheck() async throws {
        let system = LibrarySystem()
        let document = try #require(system.apiDocument)
        let router = Router(context: MasteryRequestContext.self)
        system.addRoutes(to: SystemRoutes(descriptor: LibrarySystem.descriptor, router: router))
        let exact = OpenAPIRouteCheck(document: document, router: router, prefix: "/v1/library")
        #expect(exact.matches, "\(exact)")
        #expect(exact.routed.count == 6)
        router.get("/v1/library/secret/:key") { _, _ in "hidden" }
        router.get("/systems/library") { _, _ in "a page, not compared" }
        var described = document
        described.paths["/books/{id}/cover"] = .b(
            OpenAPI.PathItem(get: OpenAPI.Operation(responses: [200: .empty("Yes.")]))
        )
        let check = OpenAPIRouteCheck(document: described, router: router, prefix: "/v1/library")
        #expect(!check.matches)
        #expect(check.undocumented.map(\.description) == ["GET /v1/library/secret/{key}"])
        #expect(check.unrouted.map(\.description) == ["GET /v1/library/books/{id}/cover"])
        #expect("\(check)".contains("routed but not in the document: GET /v1/library/secret/{key}"))
    }

    @Test("GET /v1/openapi.json merges every mounted system's document under its prefix, tagged with its name")
    func merged() async throws {
        let assembly = try await makeServer(systems: [LibrarySystem.self, EchoSystem.self, HostileDocsSystem.self]).0
        let (status, headers, body) = try await get("/v1/openapi.json", from: assembly)
        #expect(status == .ok)
        #expect(headers[.contentType] == "application/json")
        let document = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(body.utf8))
        #expect(document.openAPIVersion == .v3_1_0)
        for system in [LibrarySystem.descriptor, HostileDocsSystem.descriptor] {
            #expect(document.tags?.contains { $0.name == system.name } == true, "\(system.name)")
        }
        // EchoSystem has no document: it is left out.
        #expect(document.tags?.count == 2)
        #expect(!document.paths.contains { $0.key.rawValue.hasPrefix("/v1/echo") })
        let library = try #require(LibrarySystem().apiDocument).prefixed(with: "/v1/library")
        for (path, _) in library.paths {
            let item = try #require(document.paths[path]?.b, "\(path.rawValue)")
            for endpoint in item.endpoints {
                #expect(endpoint.operation.tags == ["Library"], "\(path.rawValue)")
            }
        }
        #expect(document.paths["/v1/library/books/{id}"]?.b?.put?.operationId == "library.putBook")
        #expect(document.paths["/v1/library"]?.b?.get != nil)
        #expect(document.paths["/v1/hostile/{name}"]?.b?.get?.summary == HostileDocsSystem.payload)
        #expect(document.components.schemas["LibraryBook"] != nil)
        #expect(document.components.responses["ServiceUnavailable"] != nil)
        #expect(document.components.securitySchemes["bearerAuth"] != nil)
    }

    @Test(
        "the merged document passes openapi-spec-validator as OpenAPI 3.1",
        .enabled(
            if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName),
            "needs openapi-spec-validator: run scripts/test"
        )
    )
    func mergedValidates() async throws {
        let assembly = try await makeServer(systems: [LibrarySystem.self, HostileDocsSystem.self]).0
        let (_, _, body) = try await get("/v1/openapi.json", from: assembly)
        let result = try await OpenAPISpecValidator.validate(body, name: "mastery.json")
        #expect(result.isValid, "\(result.output)")
    }

    @Test("GET /docs lists every operation by system, with its parameters, body and responses, under the page headers")
    func page() async throws {
        let assembly = try await makeServer(systems: [LibrarySystem.self]).0
        let (status, headers, html) = try await get("/docs", from: assembly)
        #expect(status == .ok)
        #expect(headers[.contentType] == "text/html; charset=utf-8")
        #expect(headers[.contentSecurityPolicy] == SecurityHeadersMiddleware.contentSecurityPolicy)
        for text in [
            #"id="system-library""#, "/v1/library/books/{id}", "Store a book.", #"data-method="delete""#,
            ##"<a href="#schema-LibraryBook">LibraryBook</a>"##, "application/problem+json", "admin token",
            "no credentials", "integer, 1 to 100, default 20", "string, one of: paper, ebook, default paper",
            #"id="schema-Problem""#, "/docs/docs.css", "The most books to return.",
        ] {
            #expect(html.contains(text), "\(text)")
        }
        // Responses in status order.
        let put = try #require(html.range(of: #"id="op-library.putBook""#))
        let after = html[put.upperBound...]
        let order = ["200", "400", "401", "413", "415"].compactMap { after.range(of: ">\($0)<")?.lowerBound }
        #expect(order.count == 5 && order == order.sorted())
        let findings = HostileBattery.pageFindings(path: "/docs", response: Self.batteryResponse(status, headers, html))
        #expect(findings.isEmpty, "\(findings)")
        let (cssStatus, cssHeaders, css) = try await get("/docs/docs.css", from: assembly)
        #expect(cssStatus == .ok)
        #expect(cssHeaders[.contentType] == "text/css; charset=utf-8")
        #expect(css.contains("#api-docs"))
    }

    @Test("a document's hostile strings show as text on /docs: no element, script or handler gets through")
    func escaping() async throws {
        let assembly = try await makeServer(systems: [HostileDocsSystem.self]).0
        let (status, headers, html) = try await get("/docs", from: assembly)
        #expect(status == .ok)
        for payload in HostileBattery.xssPayloads where payload.contains("<") {
            #expect(!html.contains(payload), "\(payload)")
        }
        #expect(!html.contains("data-hostile>"))
        #expect(!html.contains("<script data-hostile"))
        #expect(html.contains("&lt;b data-hostile&gt;bold&lt;/b&gt;"))
        let findings = HostileBattery.pageFindings(path: "/docs", response: Self.batteryResponse(status, headers, html))
        #expect(findings.isEmpty, "\(findings)")
        // The JSON document carries them as data, escaped as JSON strings.
        let (_, _, json) = try await get("/v1/openapi.json", from: assembly)
        let document = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(json.utf8))
        #expect(document.paths["/v1/hostile/{name}"]?.b?.get?.summary == HostileDocsSystem.payload)
    }

    @Test("a server whose systems describe the same path does not start")
    func collision() async throws {
        await #expect(throws: APIDocumentError.self) {
            _ = try await makeServer(systems: [HostileDocsSystem.self, CollidingDocsSystem.self])
        }
    }

    @Test("a server without documented systems still serves both, empty")
    func empty() async throws {
        let assembly = try await makeServer(systems: [EchoSystem.self]).0
        let (status, _, body) = try await get("/v1/openapi.json", from: assembly)
        #expect(status == .ok)
        let document = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(body.utf8))
        #expect(document.paths.isEmpty)
        let (pageStatus, _, html) = try await get("/docs", from: assembly)
        #expect(pageStatus == .ok)
        #expect(html.contains("No mounted system publishes an API document."))
    }

    @Test("the hostile battery against /docs and GET /v1/openapi.json on a real server")
    func battery() async throws {
        // The systems `mastery serve` mounts by default, their documents merged.
        try await ServeProcess.withRunning { server in
            let battery = HostileBattery(routes: [.init("GET", "/v1/openapi.json")], pages: ["/docs"])
            let findings = try await battery.run(against: server)
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }

    /// A router test's response in the form ``HostileBattery/pageFindings(path:response:)`` reads.
    static func batteryResponse(
        _ status: HTTPResponse.Status,
        _ headers: HTTPFields,
        _ body: String
    ) -> BatteryClient.Response {
        let head = (["HTTP/1.1 \(status.code)"] + headers.map { "\($0.name.rawName): \($0.value)" }).joined(
            separator: "\r\n"
        )
        return BatteryClient.Response(status: Int(status.code), head: head, body: body)
    }
}
