import APIDocumentation
public import OpenAPIKit

/// The job system's API as an OpenAPI 3.1 document, paths relative to `/v1/jobs`. The server merges it into
/// `GET /v1/openapi.json` and `/docs`; tests check it against the routes both ways and with
/// openapi-spec-validator.
public enum JobsOpenAPI: Sendable {
    /// The document.
    public static let document: OpenAPI.Document = {
        var builder = APIDocumentBuilder(
            title: "Mastery jobs",
            description: "Background jobs with retries and a dead-letter queue. Reading jobs (payloads, results, "
                + "errors) and every change need the admin token."
        )
        let name = JSONSchema.string(pattern: "^[A-Za-z0-9_.:-]{1,64}$")
        let time = JSONSchema.string(format: .dateTime)
        let state = JSONSchema.string(allowedValues: JobState.allCases.map { AnyCodable($0.rawValue) })
        builder.schema(
            "Job",
            .object(
                properties: [
                    "id": .integer, "kind": name, "queue": name, "state": state, "priority": .integer,
                    "payload": .fragment(required: false), "createdAt": time, "runAt": time, "attempt": .integer,
                    "maxAttempts": .integer, "uniqueKey": .string(required: false),
                    "uniqueForSeconds": .number(required: false), "concurrencyKey": .string(required: false),
                    "timeoutSeconds": .number, "workerID": .string(required: false),
                    "leaseExpiresAt": .string(format: .dateTime, required: false), "cancelRequested": .boolean,
                    "result": .fragment(required: false), "lastError": .string(required: false),
                    "finishedAt": .string(format: .dateTime, required: false),
                ]
            )
        )
        builder.schema(
            "JobAttempt",
            .object(
                properties: [
                    "claim": .integer, "attempt": .integer, "workerID": .string, "startedAt": time,
                    "finishedAt": .string(format: .dateTime, required: false),
                    "durationSeconds": .number(required: false),
                    "outcome": .string(allowedValues: JobAttempt.Outcome.allCases.map { AnyCodable($0.rawValue) }),
                    "error": .string(required: false),
                ]
            )
        )
        builder.schema(
            "JobList",
            .object(properties: ["jobs": .array(items: .component("Job")), "next": .integer(required: false)])
        )
        builder.schema(
            "Enqueued",
            .object(properties: ["id": .integer, "duplicate": .boolean])
        )
        let enqueue = JSONSchema.object(
            properties: [
                "kind": name, "payload": .fragment, "queue": .string(required: false),
                "priority": .integer(
                    required: false,
                    maximum: (100, exclusive: false),
                    minimum: (-100, exclusive: false)
                ),
                "runAt": .string(format: .dateTime, required: false), "delaySeconds": .number(required: false),
                "uniqueKey": .string(required: false), "uniqueForSeconds": .number(required: false),
                "concurrencyKey": .string(required: false),
                "maxAttempts": .integer(
                    required: false,
                    maximum: (100, exclusive: false),
                    minimum: (1, exclusive: false)
                ),
                "timeoutSeconds": .number(required: false),
            ],
            additionalProperties: .a(false)
        )
        builder.schema("EnqueueRequest", enqueue)
        let selection = JSONSchema.object(
            properties: [
                "ids": .array(required: false, maxItems: 1000, items: .integer), "queue": .string(required: false),
                "kind": .string(required: false), "limit": .integer(required: false, maximum: (1000, exclusive: false)),
            ],
            additionalProperties: .a(false)
        )
        let id = OpenAPI.Parameter.path(
            name: "id",
            schema: .integer(minimum: (1, exclusive: false)),
            description: "The job's ID."
        )
        let listParameters: OpenAPI.Parameter.Array = [
            .parameter(.query(name: "queue", required: false, schema: name)),
            .parameter(.query(name: "kind", required: false, schema: name)),
            .parameter(
                .query(
                    name: "before",
                    required: false,
                    schema: .integer,
                    description: "The `next` of the previous page."
                )
            ),
            .parameter(
                .query(
                    name: "limit",
                    required: false,
                    schema: .integer(maximum: (1000, exclusive: false), minimum: (1, exclusive: false))
                )
            ),
        ]
        func write(
            _ summary: String,
            _ operationID: String,
            body: JSONSchema?,
            _ responses: OpenAPI.Response.Map
        ) -> OpenAPI.Operation {
            var all = responses
            all[401] = .unauthorized
            all[503] = .serviceUnavailable
            return OpenAPI.Operation(
                summary: summary,
                operationId: operationID,
                requestBody: body.map { .json($0) },
                responses: body == nil ? all : .withJSONBodyErrors(all),
                security: .bearerAuth
            )
        }
        func read(
            _ summary: String,
            _ operationID: String,
            _ responses: OpenAPI.Response.Map,
            secured: Bool
        ) -> OpenAPI.Operation {
            var all = responses
            if secured { all[401] = .unauthorized }
            return OpenAPI.Operation(
                summary: summary,
                operationId: operationID,
                responses: all,
                security: secured ? .bearerAuth : nil
            )
        }
        builder.add(
            .post,
            "/",
            write(
                "Enqueue a job (its payload checked against its registered type).",
                "enqueueJob",
                body: .component("EnqueueRequest"),
                [
                    201: .json("Enqueued.", .component("Enqueued")),
                    200: .json(
                        "A job holds the unique key: nothing was enqueued; this is that job.",
                        .component("Enqueued")
                    ),
                    404: .notFound,
                ]
            )
        )
        builder.add(
            .get,
            "/",
            parameters: [.parameter(.query(name: "state", required: false, schema: state))] + listParameters,
            read(
                "Jobs, newest first, a page at a time.",
                "listJobs",
                [200: .json("A page of jobs.", .component("JobList")), 400: .badRequest],
                secured: true
            )
        )
        builder.add(
            .post,
            "/bulk",
            write(
                "Enqueue up to 1,000 jobs atomically.",
                "enqueueJobs",
                body: .object(properties: ["jobs": .array(maxItems: 1000, items: .component("EnqueueRequest"))]),
                [
                    201: .json(
                        "One result per job, in order.",
                        .object(properties: ["jobs": .array(items: .component("Enqueued"))])
                    ), 404: .notFound,
                ]
            )
        )
        builder.add(
            .get,
            "/{id}",
            parameters: [.parameter(id)],
            read(
                "A job with its every attempt.",
                "getJob",
                [
                    200: .json(
                        "The job.",
                        .object(properties: [
                            "job": .component("Job"), "attempts": .array(items: .component("JobAttempt")),
                        ])
                    ),
                    400: .badRequest, 404: .notFound,
                ],
                secured: true
            )
        )
        builder.add(
            .post,
            "/{id}/cancel",
            parameters: [.parameter(id)],
            write(
                "Cancel a job: at once when pending; a running job's handler is cancelled.",
                "cancelJob",
                body: nil,
                [
                    200: .json("The job after the cancel.", .component("Job")), 400: .badRequest, 404: .notFound,
                ]
            )
        )
        builder.add(
            .get,
            "/dead",
            parameters: listParameters,
            read(
                "The dead-letter queue, newest first.",
                "listDeadJobs",
                [200: .json("A page of dead jobs.", .component("JobList")), 400: .badRequest],
                secured: true
            )
        )
        builder.add(
            .post,
            "/dead/replay",
            write(
                "Replay dead jobs with a fresh attempt count.",
                "replayDeadJobs",
                body: selection,
                [
                    200: .json("The replayed IDs.", .object(properties: ["replayed": .array(items: .integer)]))
                ]
            )
        )
        builder.add(
            .post,
            "/dead/purge",
            write(
                "Delete dead jobs.",
                "purgeDeadJobs",
                body: selection,
                [
                    200: .json("How many were deleted.", .object(properties: ["purged": .integer]))
                ]
            )
        )
        builder.add(
            .get,
            "/queues",
            read(
                "Every queue's depth, age of its oldest ready job, running, dead and settings.",
                "listQueues",
                [
                    200: .json("The queues.", .object(properties: ["queues": .array(items: .object)]))
                ],
                secured: false
            )
        )
        builder.add(
            .put,
            "/queues/{queue}",
            parameters: [.parameter(.path(name: "queue", schema: name))],
            write(
                "Pause or resume a queue, or set its global concurrency limit (null removes it), for every worker.",
                "updateQueue",
                body: .object(properties: [
                    "paused": .boolean(required: false), "concurrencyLimit": .integer(required: false),
                ]),
                [200: .json("The queue's settings.", .object)]
            )
        )
        builder.add(
            .get,
            "/workers",
            read(
                "Live workers with their heartbeats and the jobs each holds.",
                "listWorkers",
                [
                    200: .json("The workers.", .object(properties: ["workers": .array(items: .object)]))
                ],
                secured: false
            )
        )
        builder.add(
            .get,
            "/activity",
            parameters: [
                .parameter(
                    .query(
                        name: "minutes",
                        required: false,
                        schema: .integer(maximum: (1440, exclusive: false), minimum: (1, exclusive: false))
                    )
                )
            ],
            read(
                "Jobs finished per queue and minute.",
                "getActivity",
                [
                    200: .json("Per-minute counts.", .object(properties: ["activity": .array(items: .object)])),
                    400: .badRequest,
                ],
                secured: false
            )
        )
        builder.add(
            .get,
            "/kinds",
            read(
                "The registered job types.",
                "listJobKinds",
                [
                    200: .json("The job types.", .object(properties: ["kinds": .array(items: .object)]))
                ],
                secured: false
            )
        )
        builder.add(
            .post,
            "/demo",
            write(
                "Enqueue demo jobs (demo.sleep) that sleep and fail at random.",
                "enqueueDemoJobs",
                body: .object(properties: [
                    "count": .integer(required: false), "durationMs": .integer(required: false),
                    "failureRate": .number(required: false), "poison": .boolean(required: false),
                ]),
                [201: .json("The demo jobs.", .object(properties: ["jobs": .array(items: .component("Enqueued"))]))]
            )
        )
        return builder.document
    }()
}
