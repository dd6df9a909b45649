import Foundation

/// The OpenAPI 3.1 document of the rate limiter's API (``RateLimitController``), served at
/// `GET /v1/ratelimit/openapi.json`: every route, its JSON schemas (with the same limits the server enforces),
/// its problem responses (`application/problem+json`), the rate-limit header fields, and bearer-token security
/// on the policy writes.
public enum RateLimitOpenAPI {
    /// The document as JSON text (keys sorted).
    public static let document: String = {
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }()

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func response(_ name: String) -> [String: Any] { ["$ref": "#/components/responses/\(name)"] }
    static func header(_ name: String) -> [String: Any] { ["$ref": "#/components/headers/\(name)"] }

    static func json(_ description: String, _ schema: [String: Any], headers: [String: Any]? = nil) -> [String: Any] {
        var response: [String: Any] = ["description": description, "content": ["application/json": ["schema": schema]]]
        if let headers { response["headers"] = headers }
        return response
    }

    static func problem(_ description: String, headers: [String: Any]? = nil) -> [String: Any] {
        var response: [String: Any] = [
            "description": description, "content": ["application/problem+json": ["schema": ref("Problem")]],
        ]
        if let headers { response["headers"] = headers }
        return response
    }

    static var nameParameter: [String: Any] {
        [
        "name": "name", "in": "path", "required": true, "description": "The policy's name.",
        "schema": ref("PolicyName"),
    ]
    }

    static var jsonBodyErrors: [String: Any] {
        [
        "400": response("BadRequest"), "413": response("ContentTooLarge"), "415": response("UnsupportedMediaType"),
    ]
    }

    static func merging(_ base: [String: Any], _ extra: [String: Any]) -> [String: Any] {
        base.merging(extra) { first, _ in first }
    }

    static var paths: [String: Any] {
        [
        "/v1/ratelimit": [
            "get": [
                "operationId": "getIndex", "summary": "Where the rate limiter's document and page are.",
                "responses": ["200": json("The index.", ref("Index"))],
            ]
        ],
        "/v1/ratelimit/check": [
            "post": [
                "operationId": "check",
                "summary": "Decide a request against one or more policies.",
                "description":
                    "Admitted only if every descriptor's policy admits; when any rejects, nothing is consumed. Called by other services: needs no admin credentials. A rejection is a 200 whose `allowed` is false.",
                "security": [] as [Any],
                "requestBody": ["required": true, "content": ["application/json": ["schema": ref("CheckRequest")]]],
                "responses": merging(
                    [
                        "200": json("The decision.", ref("CheckResponse")),
                        "404": response("NotFound"),
                        "503": response("Unavailable"),
                    ],
                    jsonBodyErrors
                ),
            ]
        ],
        "/v1/ratelimit/policies": [
            "get": [
                "operationId": "listPolicies", "summary": "The policies, sorted by name, a page at a time.",
                "description":
                    "At most `limit` policies named after `after`; when more follow, `next` is the cursor of the next page (pass it as `after`).",
                "parameters": [
                    [
                        "name": "limit", "in": "query", "required": false, "description": "The most policies to return.",
                        "schema": [
                            "type": "integer", "minimum": 1, "maximum": RateLimitController.maximumPageSize,
                            "default": RateLimitController.defaultPageSize,
                        ],
                    ],
                    [
                        "name": "after", "in": "query", "required": false,
                        "description": "Return the policies whose names sort after this one (a previous page's `next`).",
                        "schema": ["type": "string"],
                    ],
                ],
                "responses": ["200": json("A page of policies.", ref("PolicyList")), "400": response("BadRequest")],
            ]
        ],
        "/v1/ratelimit/policies/{name}": [
            "parameters": [nameParameter],
            "get": [
                "operationId": "getPolicy", "summary": "One policy.",
                "responses": ["200": json("The policy.", ref("Policy")), "404": response("NotFound")],
            ],
            "put": [
                "operationId": "putPolicy",
                "summary": "Create or replace a policy.",
                "description":
                    "The change reaches every instance sharing the store within a second. `name` may be omitted from the body; when present it must equal the path's. A new policy past the server's maximum (ratelimit.maxPolicies, 1,000 by default) is refused with 409 too-many-policies; replacing one always works.",
                "security": [["bearerAuth": [] as [Any]]],
                "requestBody": ["required": true, "content": ["application/json": ["schema": ref("PolicyInput")]]],
                "responses": merging(
                    [
                        "200": json("The stored policy.", ref("Policy")),
                        "401": response("Unauthorized"),
                        "409": response("Conflict"),
                        "503": response("Unavailable"),
                    ],
                    jsonBodyErrors
                ),
            ],
            "delete": [
                "operationId": "deletePolicy", "summary": "Delete a policy.",
                "description":
                    "A policy that a route's rate-limit middleware applies (the demo route applies demo) is refused with 409 policy-in-use naming the route, unless `force` is true.",
                "security": [["bearerAuth": [] as [Any]]],
                "parameters": [
                    [
                        "name": "force", "in": "query", "required": false,
                        "description": "Delete the policy even when a route applies it (that route is then unlimited).",
                        "schema": ["type": "boolean", "default": false],
                    ]
                ],
                "responses": [
                    "204": ["description": "Deleted."],
                    "400": response("BadRequest"),
                    "401": response("Unauthorized"),
                    "404": response("NotFound"),
                    "409": response("Conflict"),
                    "503": response("Unavailable"),
                ],
            ],
        ],
        "/v1/ratelimit/stats": [
            "get": [
                "operationId": "getStats",
                "summary": "Cumulative decision counts of this instance, and the most limited keys.",
                "parameters": [
                    [
                        "name": "top", "in": "query", "required": false,
                        "description": "How many of the most limited keys to list.",
                        "schema": ["type": "integer", "minimum": 1, "maximum": RateLimitController.maximumTop, "default": 10],
                    ]
                ],
                "responses": ["200": json("The statistics.", ref("Stats")), "400": response("BadRequest")],
            ]
        ],
        "/v1/ratelimit/demo": [
            "get": [
                "operationId": "demo",
                "summary": "A tiny route behind the rate-limit middleware with policy `demo`, keyed by client address.",
                "responses": [
                    "200": json(
                        "Admitted.", ref("DemoResponse"),
                        headers: ["RateLimit-Policy": header("RateLimitPolicy"), "RateLimit": header("RateLimit")]
                    ),
                    "429": response("TooManyRequests"),
                ],
            ]
        ],
        "/v1/ratelimit/demo/baseline": [
            "get": [
                "operationId": "demoBaseline",
                "summary": "The demo route's handler without the rate-limit middleware (a benchmark's baseline).",
                "responses": ["200": json("Always.", ref("DemoResponse"))],
            ]
        ],
        "/v1/ratelimit/openapi.json": [
            "get": [
                "operationId": "getOpenAPIDocument", "summary": "This document.",
                "responses": ["200": json("The OpenAPI 3.1 document.", ["type": "object"])],
            ]
        ],
    ]
    }

    static var seconds: [String: Any] {
        ["type": "number", "minimum": 0, "description": "Seconds."]
    }
    static var nullableSeconds: [String: Any] {
        [
        "type": ["number", "null"], "minimum": 0, "description": "Seconds, or null when there is none.",
    ]
    }
    static let maximumWindow = Int(RateLimitPolicy.maximumWindow.components.seconds)

    static var policyProperties: [String: Any] {
        [
        "name": ref("PolicyName"),
        "algorithm": [
            "type": "string", "enum": RateLimitAlgorithm.allCases.map(\.rawValue),
            "description": "How requests are counted.",
        ],
        "limit": [
            "type": "integer", "minimum": 1, "maximum": RateLimitPolicy.maximumLimit,
            "description":
                "Units per window (at most \(RateLimitPolicy.maximumLogLimit) for sliding_window_log; for gcra and token_bucket at most one per microsecond).",
        ],
        "window": [
            "type": "number", "minimum": 0.001, "maximum": maximumWindow,
            "description": "The window in seconds (whole microseconds kept).",
        ],
        "burst": [
            "type": "integer", "minimum": 1, "maximum": RateLimitPolicy.maximumLimit,
            "description": "gcra and token_bucket only: units that may pass at once (default: limit).",
        ],
        "onStoreFailure": [
            "type": "string", "enum": ["open", "closed", "local"], "default": "open",
            "description": "What decisions do while the shared store cannot answer.",
        ],
        "localFraction": [
            "type": "number", "exclusiveMinimum": 0, "maximum": 1,
            "description": "With onStoreFailure local: the share of the limit each instance admits on its own.",
        ],
    ]
    }

    static var schemas: [String: Any] {
        [
        "PolicyName": [
            "type": "string", "pattern": "^(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,\(RateLimitPolicy.maximumNameLength)}$",
            "description": "1 to \(RateLimitPolicy.maximumNameLength) characters from A-Z a-z 0-9 . _ - :, neither . nor .. (percent-encode : in paths if you like: x%3Ay is x:y).",
        ],
        "PolicyInput": [
            "type": "object", "additionalProperties": false, "properties": policyProperties,
            "required": ["algorithm", "limit", "window"],
        ],
        "Policy": [
            "type": "object", "additionalProperties": false, "properties": policyProperties,
            "required": ["name", "algorithm", "limit", "window", "onStoreFailure"],
        ],
        "PolicyList": [
            "type": "object", "additionalProperties": false, "required": ["policies"],
            "properties": [
                "policies": ["type": "array", "items": ref("Policy")],
                "next": [
                    "type": "string", "description": "Present when more policies follow: pass it as `after` for the next page.",
                ],
            ],
        ],
        "Descriptor": [
            "type": "object", "additionalProperties": false, "required": ["policy", "key"],
            "properties": [
                "policy": ref("PolicyName"),
                "key": [
                    "type": "string", "minLength": 1,
                    "description":
                        "What is limited: at most \(RateLimitCheck.maximumKeyLength) UTF-8 bytes (longer keys are refused, never truncated).",
                ],
                "cost": [
                    "type": "integer", "minimum": 0, "maximum": RateLimitCheck.maximumCost,
                    "description": "This descriptor's cost, overriding the request's.",
                ],
            ],
        ],
        "CheckRequest": [
            "type": "object", "additionalProperties": false, "required": ["descriptors"],
            "properties": [
                "descriptors": [
                    "type": "array", "items": ref("Descriptor"), "minItems": 1, "maxItems": RateLimitCheck.maximumChecks,
                ],
                "cost": [
                    "type": "integer", "minimum": 0, "maximum": RateLimitCheck.maximumCost, "default": 1,
                    "description": "The cost of each descriptor without one of its own.",
                ],
            ],
        ],
        "Decision": [
            "type": "object", "additionalProperties": false,
            "required": ["policy", "key", "allowed", "limit", "remaining", "resetAfter", "retryAfter"],
            "properties": [
                "policy": ref("PolicyName"),
                "key": ["type": "string"],
                "allowed": ["type": "boolean"],
                "limit": ["type": "integer", "minimum": 0, "description": "Units that may pass at once."],
                "remaining": ["type": "integer", "minimum": 0],
                "resetAfter": seconds,
                "retryAfter": nullableSeconds,
            ],
        ],
        "CheckResponse": [
            "type": "object", "additionalProperties": false,
            "required": ["allowed", "remaining", "resetAfter", "retryAfter", "source", "decisions"],
            "properties": [
                "allowed": ["type": "boolean"],
                "remaining": ["type": "integer", "minimum": 0],
                "resetAfter": seconds,
                "retryAfter": nullableSeconds,
                "source": [
                    "type": "string", "enum": ["store", "fail_open", "fail_closed", "local_fallback"],
                    "description": "Who decided: the store, or a failure mode while the store fails.",
                ],
                "decisions": ["type": "array", "items": ref("Decision")],
            ],
        ],
        "Counts": [
            "type": "object", "additionalProperties": false, "required": ["allowed", "denied"],
            "properties": ["allowed": ["type": "integer", "minimum": 0], "denied": ["type": "integer", "minimum": 0]],
        ],
        "LimitedKey": [
            "type": "object", "additionalProperties": false, "required": ["policy", "key", "denied"],
            "properties": [
                "policy": ref("PolicyName"), "key": ["type": "string"], "denied": ["type": "integer", "minimum": 0],
            ],
        ],
        "Stats": [
            "type": "object", "additionalProperties": false,
            "required": ["allowed", "denied", "fallbackDecisions", "usingFallback", "store", "policies", "limitedKeys"],
            "properties": [
                "allowed": ["type": "integer", "minimum": 0],
                "denied": ["type": "integer", "minimum": 0],
                "fallbackDecisions": ["type": "integer", "minimum": 0],
                "usingFallback": ["type": "boolean"],
                "store": ["type": "string", "enum": ["memory", "redis"]],
                "policies": ["type": "object", "additionalProperties": ref("Counts")],
                "limitedKeys": ["type": "array", "items": ref("LimitedKey")],
            ],
        ],
        "Index": [
            "type": "object", "required": ["openapi", "page", "store"],
            "properties": ["openapi": ["type": "string"], "page": ["type": "string"], "store": ["type": "string"]],
        ],
        "DemoResponse": [
            "type": "object", "required": ["status", "policy"],
            "properties": ["status": ["type": "string"], "policy": ["type": "string"]],
        ],
        "Problem": [
            "type": "object", "required": ["type", "title", "status", "detail"],
            "description": "An RFC 9457 problem; GET on its type (/problems/<slug>) describes it.",
            "properties": [
                "type": ["type": "string"], "title": ["type": "string"],
                "status": ["type": "integer", "minimum": 100, "maximum": 599], "detail": ["type": "string"],
            ],
        ],
    ]
    }

    static var headers: [String: Any] {
        [
        "RateLimitPolicy": [
            "description":
                "draft-ietf-httpapi-ratelimit-headers: each policy as a quoted name with its quota q and window w in seconds, e.g. \"demo\";q=5;w=10.",
            "schema": ["type": "string"],
        ],
        "RateLimit": [
            "description":
                "draft-ietf-httpapi-ratelimit-headers: each policy's remaining units r and seconds t until full, e.g. \"demo\";r=4;t=2.",
            "schema": ["type": "string"],
        ],
        "RetryAfter": [
            "description": "Whole seconds (rounded up) until the same request would be admitted.",
            "schema": ["type": "integer", "minimum": 1],
        ],
    ]
    }

    static var responses: [String: Any] {
        [
        "BadRequest": problem("Malformed JSON, an unknown field, or a value out of range (named in the detail)."),
        "NotFound": problem("No such policy (named in the detail)."),
        "Conflict": problem(
            "too-many-policies: a new policy past ratelimit.maxPolicies; policy-in-use: the policy a route applies (named in the detail) cannot be deleted without force=true."
        ),
        "Unauthorized": problem("The admin bearer token is missing or wrong."),
        "ContentTooLarge": problem("The body is larger than the server's maxBodySize."),
        "UnsupportedMediaType": problem("The body is not application/json."),
        "Unavailable": problem("The rate-limit store cannot answer."),
        "TooManyRequests": problem(
            "A rate limit rejected the request.",
            headers: [
                "Retry-After": header("RetryAfter"), "RateLimit-Policy": header("RateLimitPolicy"),
                "RateLimit": header("RateLimit"),
            ]
        ),
    ]
    }

    static var object: [String: Any] {
        [
        "openapi": "3.1.0",
        "info": [
            "title": "Mastery rate limiter",
            "version": "1.0.0",
            "description":
                "Decisions for other services, policy management and statistics of Mastery's distributed rate limiter (GCRA, token bucket, sliding windows, fixed window; in memory or Redis).",
        ],
        "paths": paths,
        "components": [
            "schemas": schemas,
            "responses": responses,
            "headers": headers,
            "securitySchemes": [
                "bearerAuth": [
                    "type": "http", "scheme": "bearer",
                    "description": "The server's admin token (--admin-token, MASTERY_ADMIN_TOKEN, or <dataDir>/admin-token).",
                ]
            ],
        ],
    ]
    }
}
