public import OpenAPIKit

/// The pieces every system's document shares, written once: the `Problem` schema (Platform's `ProblemDetails` as
/// JSON), the problem responses the platform answers on any route (400, 401, 404, 413, 415, 429, 503, each
/// `application/problem+json`), the rate-limit header fields of a 429, and the `bearerAuth` security scheme (the
/// admin token).
///
/// ``APIDocumentBuilder`` puts them in every document's components, so a system refers to them by name
/// (`.badRequest`, `.bearerAuth`) and merged documents carry one copy.
public enum SharedComponents {
    /// The name of the problem schema.
    public static let problemSchemaName = "Problem"
    /// The name of the admin-token security scheme.
    public static let bearerSchemeName = "bearerAuth"

    /// The names of the shared responses, as ``OpenAPI/Components/responses`` keys.
    public enum ResponseName {
        /// 400.
        public static let badRequest = "BadRequest"
        /// 401.
        public static let unauthorized = "Unauthorized"
        /// 404.
        public static let notFound = "NotFound"
        /// 413.
        public static let contentTooLarge = "ContentTooLarge"
        /// 415.
        public static let unsupportedMediaType = "UnsupportedMediaType"
        /// 429.
        public static let tooManyRequests = "TooManyRequests"
        /// 503.
        public static let serviceUnavailable = "ServiceUnavailable"
    }

    /// The names of the shared header fields, as ``OpenAPI/Components/headers`` keys.
    public enum HeaderName {
        /// `Retry-After` on a 429.
        public static let retryAfter = "RetryAfter"
        /// `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers).
        public static let rateLimitPolicy = "RateLimitPolicy"
        /// `RateLimit` (draft-ietf-httpapi-ratelimit-headers).
        public static let rateLimit = "RateLimit"
    }

    /// An RFC 9457 problem, exactly as `ProblemDetails` encodes it: `type`, `title`, `status`, `detail`, and any
    /// extension members (strings).
    public static let problemSchema: JSONSchema = .object(
        description: "An RFC 9457 problem; GET on its type (/problems/<slug>) describes it. Extension members (such as "
            + "`errors` or `allow`) are strings.",
        properties: [
            "type": .string(description: "The kind of problem, a relative URI: /problems/<slug>."),
            "title": .string(description: "A short summary of the kind of problem."),
            "status": .integer(maximum: (599, exclusive: false), minimum: (100, exclusive: false)),
            "detail": .string(description: "What went wrong this time, for a person."),
        ],
        additionalProperties: .b(.string)
    )

    /// The admin token, sent as `Authorization: Bearer <token>`.
    public static let bearerScheme: OpenAPI.SecurityScheme = .http(
        scheme: "bearer",
        description: "The server's admin token (--admin-token, MASTERY_ADMIN_TOKEN, or <dataDir>/admin-token)."
    )

    /// The header fields a 429 carries.
    public static let headers: OrderedDictionary<String, OpenAPI.Header> = [
        HeaderName.retryAfter: OpenAPI.Header(
            schema: .integer(minimum: (1, exclusive: false)),
            description: "Whole seconds (rounded up) until the same request would be admitted."
        ),
        HeaderName.rateLimitPolicy: OpenAPI.Header(
            schema: .string,
            description: "draft-ietf-httpapi-ratelimit-headers: each policy as a quoted name with its quota q and "
                + "window w in seconds, e.g. \"demo\";q=5;w=10."
        ),
        HeaderName.rateLimit: OpenAPI.Header(
            schema: .string,
            description: "draft-ietf-httpapi-ratelimit-headers: each policy's remaining units r and seconds t until "
                + "full, e.g. \"demo\";r=4;t=2."
        ),
    ]

    /// The problem responses the platform's middleware and helpers answer on any route.
    public static let responses: OrderedDictionary<String, OpenAPI.Response> = [
        ResponseName.badRequest: problem(
            "The request is malformed: bad JSON, an unknown field, or a parameter or value out of range (named in "
                + "the detail)."
        ),
        ResponseName.unauthorized: problem(
            "The admin bearer token is missing or wrong.",
            headers: [
                "WWW-Authenticate": .b(OpenAPI.Header(schema: .string, description: "Bearer."))
            ]
        ),
        ResponseName.notFound: problem("No such resource (named in the detail)."),
        ResponseName.contentTooLarge: problem("The body is larger than the server's maxBodySize."),
        ResponseName.unsupportedMediaType: problem("The body is not application/json."),
        ResponseName.tooManyRequests: problem(
            "A rate limit rejected the request.",
            headers: [
                "Retry-After": .header(HeaderName.retryAfter),
                "RateLimit-Policy": .header(HeaderName.rateLimitPolicy),
                "RateLimit": .header(HeaderName.rateLimit),
            ]
        ),
        ResponseName.serviceUnavailable: problem(
            "A backend the request needs (a store, a database) cannot answer, or the server is shutting down."
        ),
    ]

    /// Every shared component, as a document's components start.
    public static var components: OpenAPI.Components {
        .direct(
            schemas: keyed([problemSchemaName: problemSchema]),
            responses: keyed(responses),
            headers: keyed(headers),
            securitySchemes: keyed([bearerSchemeName: bearerScheme])
        )
    }

    /// `dictionary` keyed by component keys.
    static func keyed<Value>(_ dictionary: OrderedDictionary<String, Value>) -> OpenAPI.ComponentDictionary<Value> {
        OpenAPI.ComponentDictionary(
            dictionary.map { (OpenAPI.ComponentKey(stringLiteral: $0.key), $0.value) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// A problem response (`application/problem+json` with the ``problemSchema``).
    /// - Parameters:
    ///   - description: When and why it is sent.
    ///   - headers: Header fields it carries.
    public static func problem(_ description: String, headers: OpenAPI.Header.Map? = nil) -> OpenAPI.Response {
        OpenAPI.Response(
            description: description,
            headers: headers,
            content: [.problemJSON: .b(OpenAPI.Content(schema: .component(problemSchemaName)))]
        )
    }
}
