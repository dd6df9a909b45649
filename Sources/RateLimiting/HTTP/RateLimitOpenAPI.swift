import APIDocumentation
public import OpenAPIKit
import Platform

/// The OpenAPI 3.1 document of the rate limiter's API (``RateLimitController``), written on the OpenAPI kit
/// (`APIDocumentation`) with paths relative to `/v1/ratelimit`: every route, its JSON schemas (with the same limits
/// the server enforces), its problem responses (`application/problem+json`, the shared ones by reference), the
/// rate-limit header fields, and bearer-token security on the policy writes. Served, prefixed, at
/// `GET /v1/ratelimit/openapi.json`; the server merges it into `GET /v1/openapi.json`.
public enum RateLimitOpenAPI {
    /// The document, paths relative to the system's API prefix (`/check`, `/policies/{name}`, `/`).
    public static let document: OpenAPI.Document = {
        var builder = APIDocumentBuilder(
            title: "Mastery rate limiter",
            description: "Decisions for other services, policy management and statistics of Mastery's distributed "
                + "rate limiter (GCRA, token bucket, sliding windows, fixed window; in memory or Redis)."
        )
        for (name, schema) in schemas { builder.schema(name, schema) }
        builder.response(
            conflict,
            SharedComponents.problem(
                "too-many-policies: a new policy past ratelimit.maxPolicies; policy-in-use: the policy a route applies "
                    + "(named in the detail) cannot be deleted without force=true."
            )
        )
        addOperations(to: &builder)
        builder.addDocumentRoute()
        return builder.document
    }()

    /// The document as served at `GET /v1/ratelimit/openapi.json`: paths under `/v1/ratelimit`, JSON with sorted keys.
    public static let json: String = {
        // Encoding a document built from typed values cannot fail; an empty object would show it if it did.
        (try? document.prefixed(with: RateLimitSystem.descriptor.apiPath).jsonText()) ?? "{}"
    }()

    /// The name of the rate limiter's 409 response.
    static let conflict = "Conflict"

    /// 404 for a policy name.
    static var unknownPolicy: Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
        .component(SharedComponents.ResponseName.notFound, description: "No such policy (named in the detail).")
    }

    /// 503 while the store fails.
    static var storeUnavailable: Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
        .component(SharedComponents.ResponseName.serviceUnavailable, description: "The rate-limit store cannot answer.")
    }

    static func addOperations(to builder: inout APIDocumentBuilder) {
        builder.add(
            .get,
            "/",
            OpenAPI.Operation(
                summary: "Where the rate limiter's document and page are.",
                operationId: "getIndex",
                responses: [200: .json("The index.", .component("Index"))]
            )
        )
        builder.add(
            .post,
            "/check",
            OpenAPI.Operation(
                summary: "Decide a request against one or more policies.",
                description:
                    "Admitted only if every descriptor's policy admits; when any rejects, nothing is consumed. "
                    + "Called by other services: needs no admin credentials. A rejection is a 200 whose `allowed` "
                    + "is false.",
                operationId: "check",
                requestBody: .json(.component("CheckRequest")),
                responses: .withJSONBodyErrors([
                    200: .json("The decision.", .component("CheckResponse")), 404: unknownPolicy, 503: storeUnavailable,
                ]),
                security: .noCredentials
            )
        )
        builder.add(
            .get,
            "/policies",
            OpenAPI.Operation(
                summary: "The policies, sorted by name, a page at a time.",
                description: "At most `limit` policies named after `after`; when more follow, `next` is the cursor of "
                    + "the next page (pass it as `after`).",
                operationId: "listPolicies",
                parameters: [
                    .parameter(
                        .query(
                            name: "limit",
                            schema: .integer(
                                maximum: (RateLimitController.maximumPageSize, exclusive: false),
                                minimum: (1, exclusive: false),
                                defaultValue: AnyCodable(RateLimitController.defaultPageSize)
                            ),
                            description: "The most policies to return."
                        )
                    ),
                    .parameter(
                        .query(
                            name: "after",
                            schema: .string,
                            description:
                                "Return the policies whose names sort after this one (a previous page's `next`)."
                        )
                    ),
                ],
                responses: [200: .json("A page of policies.", .component("PolicyList")), 400: .badRequest]
            )
        )
        let name: OpenAPI.Parameter.Array = [
            .parameter(.path(name: "name", schema: .component("PolicyName"), description: "The policy's name."))
        ]
        builder.add(
            .get,
            "/policies/{name}",
            parameters: name,
            OpenAPI.Operation(
                summary: "One policy.",
                operationId: "getPolicy",
                responses: [200: .json("The policy.", .component("Policy")), 404: unknownPolicy]
            )
        )
        builder.add(
            .put,
            "/policies/{name}",
            parameters: name,
            OpenAPI.Operation(
                summary: "Create or replace a policy.",
                description: "The change reaches every instance sharing the store within a second. `name` may be "
                    + "omitted from the body; when present it must equal the path's. A new policy past the server's "
                    + "maximum (ratelimit.maxPolicies, 1,000 by default) is refused with 409 too-many-policies; "
                    + "replacing one always works.",
                operationId: "putPolicy",
                requestBody: .json(.component("PolicyInput")),
                responses: .withJSONBodyErrors([
                    200: .json("The stored policy.", .component("Policy")), 401: .unauthorized,
                    409: .component(conflict), 503: storeUnavailable,
                ]),
                security: .bearerAuth
            )
        )
        builder.add(
            .delete,
            "/policies/{name}",
            parameters: name,
            OpenAPI.Operation(
                summary: "Delete a policy.",
                description: "A policy that a route's rate-limit middleware applies (the demo route applies demo) is "
                    + "refused with 409 policy-in-use naming the route, unless `force` is true.",
                operationId: "deletePolicy",
                parameters: [
                    .parameter(
                        .query(
                            name: "force",
                            schema: .boolean(defaultValue: false),
                            description:
                                "Delete the policy even when a route applies it (that route is then unlimited)."
                        )
                    )
                ],
                responses: [
                    204: .empty("Deleted."), 400: .badRequest, 401: .unauthorized, 404: unknownPolicy,
                    409: .component(conflict), 503: storeUnavailable,
                ],
                security: .bearerAuth
            )
        )
        builder.add(
            .get,
            "/stats",
            OpenAPI.Operation(
                summary: "Cumulative decision counts of this instance, and the most limited keys.",
                operationId: "getStats",
                parameters: [
                    .parameter(
                        .query(
                            name: "top",
                            schema: .integer(
                                maximum: (RateLimitController.maximumTop, exclusive: false),
                                minimum: (1, exclusive: false),
                                defaultValue: 10
                            ),
                            description: "How many of the most limited keys to list."
                        )
                    )
                ],
                responses: [200: .json("The statistics.", .component("Stats")), 400: .badRequest]
            )
        )
        builder.add(
            .get,
            "/demo",
            OpenAPI.Operation(
                summary: "A tiny route behind the rate-limit middleware with policy `demo`, keyed by client address.",
                operationId: "demo",
                responses: [
                    200: .json(
                        "Admitted.",
                        .component("DemoResponse"),
                        headers: [
                            "RateLimit-Policy": .header(SharedComponents.HeaderName.rateLimitPolicy),
                            "RateLimit": .header(SharedComponents.HeaderName.rateLimit),
                        ]
                    ),
                    429: .tooManyRequests,
                ]
            )
        )
        builder.add(
            .get,
            "/demo/baseline",
            OpenAPI.Operation(
                summary: "The demo route's handler without the rate-limit middleware (a benchmark's baseline).",
                operationId: "demoBaseline",
                responses: [200: .json("Always.", .component("DemoResponse"))]
            )
        )
    }
}
