import APIDocumentation
public import OpenAPIKit

/// The tally's API as an OpenAPI 3.1 document, written on the OpenAPI kit with paths relative to `/v1/tally`. The
/// server merges it into `GET /v1/openapi.json` and `/docs`; a test checks it against the routes both ways.
public enum TallyOpenAPI {
    /// The document.
    public static let document: OpenAPI.Document = {
        var builder = APIDocumentBuilder(title: "Mastery tally", description: "Named counters in SQLite.")
        builder.schema(
            "TallyCounter",
            .object(
                properties: [
                    "name": .string(description: "1 to 64 characters from a-z 0-9 _ -.", pattern: "^[a-z0-9_-]{1,64}$"),
                    "value": .integer,
                ],
                additionalProperties: .a(false)
            )
        )
        builder.schema(
            "TallyCounterList",
            .object(
                properties: ["counters": .array(items: .component("TallyCounter"))],
                additionalProperties: .a(false)
            )
        )
        let name = OpenAPI.Parameter.path(name: "name", schema: .string, description: "The counter's name.")
        builder.add(
            .get,
            "/",
            parameters: [
                .parameter(.query(name: "after", required: false, schema: .string, description: "The last name seen.")),
                .parameter(
                    .query(
                        name: "limit",
                        required: false,
                        schema: .integer(maximum: (1000, exclusive: false), minimum: (1, exclusive: false))
                    )
                ),
            ],
            OpenAPI.Operation(
                summary: "The counters by name, a page at a time.",
                operationId: "listCounters",
                responses: [200: .json("A page of counters.", .component("TallyCounterList")), 400: .badRequest]
            )
        )
        builder.add(
            .get,
            "/{name}",
            parameters: [.parameter(name)],
            OpenAPI.Operation(
                summary: "A counter.",
                operationId: "getCounter",
                responses: [200: .json("The counter.", .component("TallyCounter")), 400: .badRequest, 404: .notFound]
            )
        )
        builder.add(
            .post,
            "/{name}/increment",
            parameters: [.parameter(name)],
            OpenAPI.Operation(
                summary: "Add to a counter (created at 0).",
                operationId: "incrementCounter",
                requestBody: .json(
                    .object(
                        properties: [
                            "by": .integer(
                                required: false,
                                maximum: (1_000_000, exclusive: false),
                                minimum: (1, exclusive: false)
                            )
                        ],
                        additionalProperties: .a(false)
                    ),
                    required: false
                ),
                responses: .withJSONBodyErrors([
                    200: .json("The counter after the increment.", .component("TallyCounter")),
                    401: .unauthorized,
                    503: .serviceUnavailable,
                ]),
                security: .bearerAuth
            )
        )
        return builder.document
    }()
}
