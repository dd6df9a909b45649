public import OpenAPIKit

// Short spellings for what every system's document repeats: references to components, JSON bodies, the shared
// problem responses and the admin-token requirement. They build plain OpenAPIKit values.

extension OpenAPI.ContentType {
    /// `application/problem+json` (RFC 9457).
    public static let problemJSON: Self = {
        // The initializer never fails; it records a warning for types it does not know, which this one is.
        guard let type = Self(rawValue: "application/problem+json") else {
            preconditionFailure("application/problem+json")
        }
        return type
    }()
}

extension JSONSchema {
    /// A reference to the schema `name` of the document's components (`#/components/schemas/<name>`).
    /// - Parameters:
    ///   - name: The component's name.
    ///   - required: Whether an object property holding it is required (OpenAPIKit's default: yes).
    ///   - description: What the value means where it is used.
    public static func component(_ name: String, required: Bool = true, description: String? = nil) -> JSONSchema {
        .reference(.component(named: name), required: required, description: description)
    }
}

extension OpenAPI.Request {
    /// A required `application/json` body of `schema`.
    public static func json(_ schema: JSONSchema, required: Bool = true) -> OpenAPI.Request {
        OpenAPI.Request(content: [.json: .b(OpenAPI.Content(schema: schema))], required: required)
    }
}

extension Either where A == OpenAPI.Reference<OpenAPI.Header>, B == OpenAPI.Header {
    /// A reference to the header field `name` of the document's components.
    public static func header(_ name: String) -> Self {
        .a(.component(named: name))
    }
}

extension Either where A == OpenAPI.Reference<OpenAPI.Response>, B == OpenAPI.Response {
    /// An `application/json` response of `schema`.
    /// - Parameters:
    ///   - description: What the response means.
    ///   - schema: Its body.
    ///   - headers: Header fields it carries.
    public static func json(_ description: String, _ schema: JSONSchema, headers: OpenAPI.Header.Map? = nil) -> Self {
        .b(
            OpenAPI.Response(
                description: description,
                headers: headers,
                content: [.json: .b(OpenAPI.Content(schema: schema))]
            )
        )
    }

    /// A response without a body (a 204).
    public static func empty(_ description: String) -> Self {
        .b(OpenAPI.Response(description: description))
    }

    /// A problem response (`application/problem+json`) described here rather than by a shared component.
    public static func problem(_ description: String, headers: OpenAPI.Header.Map? = nil) -> Self {
        .b(SharedComponents.problem(description, headers: headers))
    }

    /// A reference to the response `name` of the document's components.
    /// - Parameters:
    ///   - name: The component's name.
    ///   - description: What the response means here, in place of the component's own description (OpenAPI 3.1
    ///     lets a reference override it): `.component("NotFound", description: "No such policy.")`.
    public static func component(_ name: String, description: String? = nil) -> Self {
        .a(.component(named: name, description: description))
    }

    /// 400, shared: malformed request (``SharedComponents``).
    public static var badRequest: Self { .component(SharedComponents.ResponseName.badRequest) }
    /// 401, shared: the admin token is missing or wrong.
    public static var unauthorized: Self { .component(SharedComponents.ResponseName.unauthorized) }
    /// 404, shared: no such resource.
    public static var notFound: Self { .component(SharedComponents.ResponseName.notFound) }
    /// 413, shared: the body is larger than the server's limit.
    public static var contentTooLarge: Self { .component(SharedComponents.ResponseName.contentTooLarge) }
    /// 415, shared: the body is not JSON.
    public static var unsupportedMediaType: Self { .component(SharedComponents.ResponseName.unsupportedMediaType) }
    /// 429, shared: a rate limit rejected the request (with `Retry-After` and the rate-limit header fields).
    public static var tooManyRequests: Self { .component(SharedComponents.ResponseName.tooManyRequests) }
    /// 503, shared: a backend cannot answer.
    public static var serviceUnavailable: Self { .component(SharedComponents.ResponseName.serviceUnavailable) }
}

extension OrderedDictionary
where Key == OpenAPI.Response.StatusCode, Value == Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
    /// `responses` plus what any route reading a JSON body may answer: 400, 413 and 415 (shared), each added unless
    /// already given: `responses: .withJSONBodyErrors([200: .json("Stored.", .component("Thing"))])`.
    public static func withJSONBodyErrors(_ responses: Self) -> Self {
        var responses = responses
        let errors: [(Int, Value)] = [(400, .badRequest), (413, .contentTooLarge), (415, .unsupportedMediaType)]
        for (status, response) in errors where responses[status: .status(code: status)] == nil {
            responses[status: .status(code: status)] = response
        }
        return responses
    }
}

extension Array where Element == OpenAPI.SecurityRequirement {
    /// The admin token (`bearerAuth`): what state-changing routes need.
    public static var bearerAuth: Self { [[.component(named: SharedComponents.bearerSchemeName): []]] }
    /// No credentials (an empty list, encoded as `"security": []`): a state-changing route that other services call.
    /// Not named `none`, which an optional parameter would read as `nil`.
    public static var noCredentials: Self { [] }
}
