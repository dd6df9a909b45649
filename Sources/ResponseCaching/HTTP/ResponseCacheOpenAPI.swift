import APIDocumentation
public import OpenAPIKit

/// The cache's API as an OpenAPI 3.1 document, with paths relative to `/v1/cache`; a test checks it against the
/// routes both ways.
public enum ResponseCacheOpenAPI: Sendable {
    /// The document.
    public static let document: OpenAPI.Document = {
        var builder = APIDocumentBuilder(
            title: "Mastery API response cache",
            description: "Two tiers (in process, Redis), invalidation on every instance, the demo products API."
        )
        builder.schema(
            "CacheStatistics",
            .object(
                properties: [
                    "instance": .string, "shared": .boolean,
                    "memory": .object(
                        properties: [
                            "hits": .integer, "entries": .integer, "bytes": .integer, "budget": .integer,
                            "evictions": .integer, "rejections": .integer,
                        ]
                    ),
                    "sharedHits": .integer, "misses": .integer, "staleServed": .integer, "originCalls": .integer,
                    "originFailures": .integer, "passes": .integer, "leaseBypasses": .integer, "quarantined": .integer,
                    "storeErrors": .integer, "invalidationsMade": .integer, "invalidationsHeard": .integer,
                    "pendingInvalidations": .integer, "lastContact": .integer(required: false),
                ]
            )
        )
        let names = JSONSchema.array(
            required: false,
            maxItems: ResponseCachePurge.maximumTargets,
            items: .string(minLength: 1, maxLength: ResponseCacheKey.maximumLength)
        )
        builder.schema(
            "CachePurge",
            .object(
                properties: ["keys": names, "tags": names, "urls": names, "soft": .boolean(required: false)],
                additionalProperties: .a(false)
            )
        )
        builder.schema(
            "CachePurgeOutcome",
            .object(properties: ["purged": .integer, "soft": .boolean, "pending": .integer])
        )
        builder.schema(
            "CacheDemoProduct",
            .object(properties: ["id": .integer, "name": .string, "priceCents": .integer, "version": .integer])
        )
        builder.add(
            .get,
            "/",
            OpenAPI.Operation(
                summary: "The cache's counters, per tier (admin token: they describe traffic).",
                operationId: "cacheStatistics",
                responses: [200: .json("The counters.", .component("CacheStatistics")), 401: .unauthorized],
                security: .bearerAuth
            )
        )
        builder.add(
            .post,
            "/purge",
            OpenAPI.Operation(
                summary: "Invalidate keys, tags or URLs on every instance (soft: mark stale, served only on errors).",
                operationId: "purgeCache",
                requestBody: .json(.component("CachePurge")),
                responses: .withJSONBodyErrors([
                    200: .json("What was purged.", .component("CachePurgeOutcome")), 401: .unauthorized,
                ]),
                security: .bearerAuth
            )
        )
        let id = OpenAPI.Parameter.path(
            name: "id",
            schema: .integer(maximum: (1_000_000_000, exclusive: false), minimum: (1, exclusive: false)),
            description: "The product's id."
        )
        builder.add(
            .get,
            "/demo/products/{id}",
            parameters: [.parameter(id)],
            OpenAPI.Operation(
                summary: "A demo product, through the response cache (Cache-Status, Age, ETag, 304).",
                operationId: "getDemoProduct",
                responses: [
                    200: .json("The product.", .component("CacheDemoProduct")), 400: .badRequest, 404: .notFound,
                ]
            )
        )
        builder.add(
            .head,
            "/demo/products/{id}",
            parameters: [.parameter(id)],
            OpenAPI.Operation(
                summary: "A demo product's head, through the response cache (the GET's fields, no body).",
                operationId: "headDemoProduct",
                responses: [
                    200: .empty("The product's head: Content-Length, ETag, Age, Cache-Status."),
                    400: .badRequest, 404: .notFound,
                ]
            )
        )
        builder.add(
            .put,
            "/demo/products/{id}",
            parameters: [.parameter(id)],
            OpenAPI.Operation(
                summary: "Write a demo product; its tag is invalidated on every instance.",
                operationId: "putDemoProduct",
                requestBody: .json(
                    .object(
                        properties: [
                            "name": .string(minLength: 1, maxLength: 200),
                            "priceCents": .integer(
                                maximum: (1_000_000_000, exclusive: false),
                                minimum: (0, exclusive: false)
                            ),
                        ],
                        additionalProperties: .a(false)
                    )
                ),
                responses: .withJSONBodyErrors([
                    200: .json("The product as written.", .component("CacheDemoProduct")), 401: .unauthorized,
                ]),
                security: .bearerAuth
            )
        )
        return builder.document
    }()
}
