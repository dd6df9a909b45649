public import OpenAPIKit

/// Writes one system's OpenAPI 3.1 document with little ceremony: the shared components are already there
/// (``SharedComponents``), paths are relative to the system's API prefix (`/check`, `/policies/{name}`, and `/` for
/// the prefix itself), and each operation is added with its method and path.
///
/// ```swift
/// var builder = APIDocumentBuilder(title: "Mastery rate limiter", description: "…")
/// builder.schema("PolicyName", .string(pattern: "^[a-z]+$"))
/// builder.add(.get, "/policies/{name}", parameters: [.parameter(nameParameter)], OpenAPI.Operation(
///     summary: "One policy.", operationId: "getPolicy",
///     responses: [200: .json("The policy.", .component("Policy")), 404: .notFound]))
/// builder.addDocumentRoute()
/// let document = builder.document
/// ```
///
/// The system serves `document.prefixed(with: descriptor.apiPath)` and hands `document` itself to the server, which
/// prefixes and merges every system's (``MountedAPI``).
public struct APIDocumentBuilder: Sendable {
    /// The document so far.
    public private(set) var document: OpenAPI.Document

    /// Starts a document holding only the shared components.
    /// - Parameters:
    ///   - title: The API's name ("Mastery rate limiter").
    ///   - version: The API's version.
    ///   - description: What the API is for.
    public init(title: String, version: String = "1.0.0", description: String? = nil) {
        document = OpenAPI.Document(
            openAPIVersion: .v3_1_0,
            info: OpenAPI.Document.Info(title: title, description: description, version: version),
            servers: [],
            paths: [:],
            components: SharedComponents.components
        )
    }

    /// Adds (or replaces) the schema `name`.
    public mutating func schema(_ name: String, _ schema: JSONSchema) {
        document.components.schemas[OpenAPI.ComponentKey(stringLiteral: name)] = schema
    }

    /// Adds (or replaces) the response `name`, referred to with `.component(name)`.
    public mutating func response(_ name: String, _ response: OpenAPI.Response) {
        document.components.responses[OpenAPI.ComponentKey(stringLiteral: name)] = .b(response)
    }

    /// Adds (or replaces) the header field `name`, referred to with `.header(name)`.
    public mutating func header(_ name: String, _ header: OpenAPI.Header) {
        document.components.headers[OpenAPI.ComponentKey(stringLiteral: name)] = .b(header)
    }

    /// Adds an operation.
    /// - Parameters:
    ///   - method: Its HTTP method.
    ///   - path: Its path relative to the system's prefix, with `{name}` for a path parameter (`/` or empty for the
    ///     prefix itself).
    ///   - parameters: Parameters of the path, shared by every operation on it (added once).
    ///   - operation: The operation.
    public mutating func add(
        _ method: OpenAPI.HttpMethod,
        _ path: String,
        parameters: OpenAPI.Parameter.Array = [],
        _ operation: OpenAPI.Operation
    ) {
        let key = OpenAPI.Path(rawValue: path)
        var item = document.paths[key]?.b ?? OpenAPI.PathItem()
        precondition(item[method] == nil, "\(method.rawValue) \(key.rawValue) is added twice")
        for parameter in parameters where !item.parameters.contains(parameter) {
            item.parameters.append(parameter)
        }
        item[method] = operation
        document.paths[key] = .b(item)
    }

    /// Adds `GET /openapi.json`: the system's own document, served as JSON.
    /// - Parameter path: Where the system serves it, relative to its prefix.
    public mutating func addDocumentRoute(at path: String = "/openapi.json") {
        add(
            .get,
            path,
            OpenAPI.Operation(
                summary: "This document.",
                operationId: "getOpenAPIDocument",
                responses: [200: .json("The OpenAPI 3.1 document.", .object)]
            )
        )
    }
}
