import APIDocumentation
import Hummingbird
import OpenAPIKit
import Platform

/// A system that exists only in tests, with an API document of the usual shapes (an index, a paged list with a
/// bounded query parameter, a resource read, replaced and deleted with the admin token, a public decision route), so
/// the server's merged document and `/docs` are tested without depending on any real system.
struct LibrarySystem: MasterySystem {
    static let descriptor = SystemDescriptor(
        number: 96,
        name: "Library",
        module: "Library",
        slug: "library",
        summary: "books for tests",
        anchors: "none"
    )

    init(context: SystemContext) async throws {}

    /// The system without a server, for tests that only need its routes and document.
    init() {}

    func addRoutes(to routes: SystemRoutes) {
        routes.api.get { _, _ in "library" }
        routes.api.get("books") { _, _ in "books" }
        routes.api.get("books/{id}") { _, _ in "book" }
        routes.api.put("books/{id}") { _, _ in "stored" }
        routes.api.delete("books/{id}") { _, _ in Response(status: .noContent) }
        routes.api.post("search") { _, _ in "found" }
    }

    var publicWriteRoutes: Set<String> { ["search"] }

    var apiDocument: OpenAPI.Document? {
        var builder = APIDocumentBuilder(title: "Library", description: "Books.")
        builder.schema(
            "LibraryBook",
            .object(
                description: "A book.",
                properties: [
                    "title": .string(minLength: 1),
                    "pages": .integer(required: false, minimum: (1, exclusive: false)),
                    "format": .string(allowedValues: ["paper", "ebook"], defaultValue: "paper"),
                ],
                additionalProperties: .a(false)
            )
        )
        builder.add(.get, "/", OpenAPI.Operation(summary: "The index.", responses: [200: .json("It.", .object)]))
        builder.add(
            .get,
            "/books",
            OpenAPI.Operation(
                summary: "A page of books.",
                operationId: "listBooks",
                parameters: [
                    .parameter(
                        .query(
                            name: "limit",
                            schema: .integer(
                                maximum: (100, exclusive: false),
                                minimum: (1, exclusive: false),
                                defaultValue: 20
                            ),
                            description: "The most books to return."
                        )
                    )
                ],
                responses: [200: .json("Books.", .array(items: .component("LibraryBook"))), 400: .badRequest]
            )
        )
        let id: OpenAPI.Parameter.Array = [.parameter(.path(name: "id", schema: .string, description: "The book."))]
        builder.add(
            .get,
            "/books/{id}",
            parameters: id,
            OpenAPI.Operation(
                summary: "One book.",
                operationId: "getBook",
                responses: [200: .json("The book.", .component("LibraryBook")), 404: .notFound]
            )
        )
        builder.add(
            .put,
            "/books/{id}",
            parameters: id,
            OpenAPI.Operation(
                summary: "Store a book.",
                operationId: "putBook",
                requestBody: .json(.component("LibraryBook")),
                responses: .withJSONBodyErrors([200: .json("Stored.", .component("LibraryBook")), 401: .unauthorized]),
                security: .bearerAuth
            )
        )
        builder.add(
            .delete,
            "/books/{id}",
            parameters: id,
            OpenAPI.Operation(
                summary: "Delete a book.",
                operationId: "deleteBook",
                responses: [204: .empty("Deleted."), 401: .unauthorized, 404: .notFound],
                security: .bearerAuth
            )
        )
        builder.add(
            .post,
            "/search",
            OpenAPI.Operation(
                summary: "Find books.",
                operationId: "search",
                requestBody: .json(.object(properties: ["query": .string])),
                responses: .withJSONBodyErrors([200: .json("Matches.", .array(items: .component("LibraryBook")))]),
                security: .noCredentials
            )
        )
        return builder.document
    }
}
