import APIDocumentation
public import OpenAPIKit

/// The pool monitor's API as an OpenAPI 3.1 document, paths relative to `/v1/pool`. The server merges it into
/// `GET /v1/openapi.json` and `/docs`; tests check it against the routes both ways and with openapi-spec-validator.
public enum PoolOpenAPI: Sendable {
    /// The document.
    public static let document: OpenAPI.Document = {
        var builder = APIDocumentBuilder(
            title: "Mastery pool monitor",
            description: "The server's shared PostgreSQL connection pool: its counts, limits, the pg_stat_activity "
                + "cross-check and live resizing. Both routes need the admin token (the snapshot names holders)."
        )
        let count = JSONSchema.integer(minimum: (0, exclusive: false))
        let seconds = JSONSchema.number(required: false)
        builder.schema(
            "PoolSnapshot",
            .object(
                properties: [
                    "minimum": count, "maximum": count, "total": count, "idle": count, "inUse": count,
                    "opening": count, "waiting": count, "dedicated": count, "acquired": count, "timeouts": count,
                    "rejected": count, "leaks": count, "reclaimed": count, "queryTimeouts": count,
                    "connectionsOpened": count, "connectionsClosed": count, "keepalives": count,
                    "connectionErrors": count, "sizeChanges": count,
                    "currentLeaks": .array(
                        items: .object(properties: [
                            "label": .string, "file": .string, "line": .integer, "heldMilliseconds": .integer,
                        ])
                    ),
                ]
            )
        )
        builder.schema(
            "PoolLimits",
            .object(
                properties: [
                    "minimum": count, "maximum": count, "maximumWaiters": count, "acquireTimeoutSeconds": .number,
                    "leakThresholdSeconds": seconds, "leakReclaimLimitSeconds": seconds,
                    "idleTimeoutSeconds": seconds, "maximumLifetimeSeconds": seconds,
                    "keepaliveIntervalSeconds": seconds, "maximumAllowed": count,
                ]
            )
        )
        builder.schema(
            "PoolServerView",
            .object(
                description: "What PostgreSQL's pg_stat_activity shows for the pool's application_name against "
                    + "what the pool believes it holds (the checking connection left out of both).",
                properties: [
                    "available": .boolean, "reason": .string(required: false), "applicationName": .string,
                    "states": .object(additionalProperties: .b(.integer)),
                    "serverConnections": .integer(required: false), "poolConnections": .integer(required: false),
                    "poolOpening": .integer(required: false), "agrees": .boolean(required: false),
                ]
            )
        )
        builder.schema(
            "PoolSample",
            .object(
                properties: [
                    "sequence": count, "total": count, "idle": count, "inUse": count, "waiting": count,
                    "p95WaitMilliseconds": .number, "acquires": count,
                ]
            )
        )
        builder.schema(
            "PoolAutoscaler",
            .object(
                properties: [
                    "enabled": .boolean,
                    "budget": .integer(required: false),
                    "budgetError": .string(required: false),
                    "backingOff": .boolean,
                    "decisions": .array(
                        items: .object(
                            properties: [
                                "action": .string(allowedValues: ["grow", "shrink", "hold"]),
                                "rule": .string, "reason": .string, "from": count, "to": count, "tick": count,
                                "p95WaitMilliseconds": .number(required: false), "budget": .integer(required: false),
                            ]
                        )
                    ),
                ]
            )
        )
        builder.schema(
            "PoolStatus",
            .object(
                properties: [
                    "configured": .boolean,
                    "pool": .component("PoolSnapshot", required: false),
                    "configuration": .component("PoolLimits", required: false),
                    "serverView": .component("PoolServerView", required: false),
                    "history": .array(items: .component("PoolSample")),
                    "autoscaler": .component("PoolAutoscaler", required: false),
                ]
            )
        )
        builder.add(
            .get,
            "/",
            OpenAPI.Operation(
                summary: "The pool's counts, limits, the pg_stat_activity cross-check and the last samples.",
                operationId: "getPool",
                responses: [
                    200: .json("The pool.", .component("PoolStatus")),
                    401: .unauthorized,
                ],
                security: .bearerAuth
            )
        )
        let limit = (1_000, exclusive: false)
        builder.add(
            .put,
            "/",
            OpenAPI.Operation(
                summary: "Resize the pool: it grows at once; idle connections above the new maximum close at once, "
                    + "held ones when returned. An absent limit stays as it is; unknown fields are ignored.",
                operationId: "resizePool",
                requestBody: .json(
                    .object(
                        properties: [
                            "minimum": .integer(required: false, maximum: limit, minimum: (0, exclusive: false)),
                            "maximum": .integer(required: false, maximum: limit, minimum: (1, exclusive: false)),
                        ]
                    )
                ),
                responses: .withJSONBodyErrors([
                    200: .json("The pool after the resize.", .component("PoolStatus")),
                    401: .unauthorized,
                    409: .problem("This server has no PostgreSQL tier."),
                ]),
                security: .bearerAuth
            )
        )
        return builder.document
    }()
}
