import APIDocumentation
import Foundation
import OpenAPIKit
import Testing

@Suite("OpenAPI kit: builder, prefix, merge, JSON")
struct APIDocumentationTests {
    /// A small system's document: `/`, `/items/{id}` (GET, PUT) and the document route.
    func sample(
        title: String = "Things",
        schema: JSONSchema = .object(properties: ["size": .integer])
    ) -> OpenAPI.Document {
        var builder = APIDocumentBuilder(title: title)
        builder.schema("Thing", schema)
        let id: OpenAPI.Parameter.Array = [.parameter(.path(name: "id", schema: .string))]
        builder.add(.get, "/", OpenAPI.Operation(operationId: "index", responses: [200: .json("Index.", .object)]))
        builder.add(
            .get,
            "/items/{id}",
            parameters: id,
            OpenAPI.Operation(
                operationId: "getItem",
                responses: [200: .json("It.", .component("Thing")), 404: .notFound]
            )
        )
        builder.add(
            .put,
            "/items/{id}",
            parameters: id,
            OpenAPI.Operation(
                operationId: "putItem",
                requestBody: .json(.component("Thing")),
                responses: .withJSONBodyErrors([
                    200: .json("Stored.", .component("Thing")), 400: .problem("A bad thing."),
                ]),
                security: .bearerAuth
            )
        )
        builder.addDocumentRoute()
        return builder.document
    }

    @Test("a built document holds the shared components, and a path's parameters once")
    func builder() throws {
        let document = sample()
        #expect(document.openAPIVersion == .v3_1_0)
        #expect(document.components.schemas["Problem"] == SharedComponents.problemSchema)
        #expect(document.components.securitySchemes["bearerAuth"] != nil)
        for name in [
            "BadRequest", "Unauthorized", "NotFound", "ContentTooLarge", "UnsupportedMediaType", "TooManyRequests",
            "ServiceUnavailable",
        ] {
            let response = try #require(
                document.components.responses[OpenAPI.ComponentKey(stringLiteral: name)]?.b,
                "\(name)"
            )
            #expect(response.content[.problemJSON] != nil, "\(name)")
        }
        let item = try #require(document.paths["/items/{id}"]?.b)
        #expect(item.parameters.count == 1)
        #expect(item.get != nil && item.put != nil)
        // The operation's own 400 stays; 413 and 415 are added.
        let put = try #require(item.put)
        #expect(put.responses[status: 400]?.b?.description == "A bad thing.")
        #expect(put.responses[status: 413] == .contentTooLarge)
        #expect(put.responses[status: 415] == .unsupportedMediaType)
        #expect(document.paths["/openapi.json"]?.b?.get?.operationId == "getOpenAPIDocument")
    }

    @Test("prefixing puts every path under the prefix; the root path becomes the prefix itself")
    func prefix() {
        let document = sample().prefixed(with: "/v1/things/")
        #expect(
            Set(document.paths.keys.map(\.rawValue)) == [
                "/v1/things", "/v1/things/items/{id}", "/v1/things/openapi.json",
            ]
        )
        var empty = APIDocumentBuilder(title: "Empty")
        empty.add(.get, "", OpenAPI.Operation(responses: [204: .empty("None.")]))
        #expect(empty.document.prefixed(with: "/v1/empty").paths.keys.map(\.rawValue) == ["/v1/empty"])
    }

    @Test("merging tags each system's operations, qualifies their IDs and keeps one copy of the shared components")
    func merge() throws {
        let merged = try MountedAPI.merged(
            [
                MountedAPI(
                    slug: "things",
                    name: "Things",
                    summary: "Things.",
                    prefix: "/v1/things",
                    document: sample()
                ),
                MountedAPI(slug: "stuff", name: "Stuff", prefix: "/v1/stuff", document: sample(title: "Stuff")),
            ],
            info: OpenAPI.Document.Info(title: "All", version: "1")
        )
        #expect(merged.paths.count == 6)
        #expect(merged.tags?.map(\.name) == ["Things", "Stuff"])
        #expect(merged.tags?.first?.description == "Things.")
        let get = try #require(merged.paths["/v1/stuff/items/{id}"]?.b?.get)
        #expect(get.tags == ["Stuff"])
        #expect(get.operationId == "stuff.getItem")
        #expect(merged.components.schemas.count == 2)
        #expect(merged.components.responses.count == SharedComponents.responses.count)
    }

    @Test("merging refuses two systems on one path, or one component name defined two ways")
    func conflicts() {
        let info = OpenAPI.Document.Info(title: "All", version: "1")
        #expect(throws: APIDocumentError.self) {
            try MountedAPI.merged(
                [
                    MountedAPI(slug: "a", name: "A", prefix: "/v1/same", document: sample()),
                    MountedAPI(slug: "b", name: "B", prefix: "/v1/same", document: sample()),
                ],
                info: info
            )
        }
        do {
            _ = try MountedAPI.merged(
                [
                    MountedAPI(slug: "a", name: "A", prefix: "/v1/a", document: sample()),
                    MountedAPI(slug: "b", name: "B", prefix: "/v1/b", document: sample(schema: .string)),
                ],
                info: info
            )
            Issue.record("a conflicting schema was merged")
        } catch let error as APIDocumentError {
            #expect(error.code == .conflictingComponent)
            #expect(error.message.contains("Thing"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("the JSON has sorted keys and round-trips")
    func json() throws {
        let document = sample().prefixed(with: "/v1/things")
        let text = try document.jsonText()
        let components = try #require(text.range(of: #""components""#))
        let info = try #require(text.range(of: #""info""#))
        let paths = try #require(text.range(of: #""paths""#))
        #expect(components.lowerBound < info.lowerBound && info.lowerBound < paths.lowerBound)
        #expect(text.contains(#""openapi":"3.1.0""#))
        #expect(text.contains(#""security":[{"bearerAuth":[]}]"#))
        #expect(text.contains("/v1/things/items/{id}"))
        let decoded = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(text.utf8))
        #expect(Set(decoded.paths.keys) == Set(document.paths.keys))
        #expect(decoded.components.schemas["Thing"] == document.components.schemas["Thing"])
        #expect(try document.jsonText() == text)
    }
}
