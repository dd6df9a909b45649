public import OpenAPIKit

/// One system's document as the server mounts it: written with paths relative to the system's API prefix, put
/// under that prefix, and merged with the others into the server's document (`GET /v1/openapi.json`).
public struct MountedAPI: Sendable {
    /// The system's slug (`ratelimit`): qualifies its operation IDs in the merged document (`ratelimit.check`).
    public var slug: String
    /// The system's name ("Distributed rate limiter"): the tag of its operations in the merged document.
    public var name: String
    /// What the system does, the tag's description.
    public var summary: String?
    /// The API prefix the system is mounted under (`/v1/ratelimit`).
    public var prefix: String
    /// The system's document, with paths relative to ``prefix``.
    public var document: OpenAPI.Document

    /// Describes a mounted system's API.
    public init(slug: String, name: String, summary: String? = nil, prefix: String, document: OpenAPI.Document) {
        self.slug = slug
        self.name = name
        self.summary = summary
        self.prefix = prefix
        self.document = document
    }

    /// The document with its paths under ``prefix``, as the system serves it.
    public var prefixedDocument: OpenAPI.Document { document.prefixed(with: prefix) }

    /// One document for several systems: every system's paths under its prefix, its operations tagged with its
    /// name and their IDs qualified by its slug, and the components of all (the shared ones once).
    /// - Parameters:
    ///   - apis: The mounted systems, in the order their tags are listed.
    ///   - info: The merged document's title, version and description.
    /// - Returns: An OpenAPI 3.1 document.
    /// - Throws: ``APIDocumentError`` when two systems describe the same path, or define a component of the same
    ///   name differently (name system-specific components after the system: `RateLimitPolicy`, not `Policy`).
    public static func merged(_ apis: [MountedAPI], info: OpenAPI.Document.Info) throws -> OpenAPI.Document {
        var merged = OpenAPI.Document(
            openAPIVersion: .v3_1_0,
            info: info,
            servers: [],
            paths: [:],
            components: SharedComponents.components,
            tags: []
        )
        var owners: [OpenAPI.Path: String] = [:]
        for api in apis {
            for (path, entry) in api.prefixedDocument.paths {
                if let owner = owners[path] {
                    throw APIDocumentError(
                        .duplicatePath,
                        "\(path.rawValue) is described by both \(owner) and \(api.slug)"
                    )
                }
                owners[path] = api.slug
                merged.paths[path] = entry.mapPathItem { item in api.tagging(item) }
            }
            try api.mergeComponents(into: &merged.components)
            merged.tags?.append(OpenAPI.Tag(name: api.name, description: api.summary))
        }
        return merged
    }

    /// `item` with each operation tagged with ``name`` and its ID qualified by ``slug``.
    func tagging(_ item: OpenAPI.PathItem) -> OpenAPI.PathItem {
        var item = item
        for endpoint in item.endpoints {
            var operation = endpoint.operation
            operation.tags = (operation.tags ?? []).contains(name) ? operation.tags : (operation.tags ?? []) + [name]
            operation.operationId = operation.operationId.map { "\(slug).\($0)" }
            item[endpoint.method] = operation
        }
        return item
    }

    /// Adds this system's components to `components`, refusing a name already defined differently.
    func mergeComponents(into components: inout OpenAPI.Components) throws {
        let own = document.components
        try merge(own.schemas, into: &components.schemas, kind: "schema")
        try merge(own.responses, into: &components.responses, kind: "response")
        try merge(own.parameters, into: &components.parameters, kind: "parameter")
        try merge(own.examples, into: &components.examples, kind: "example")
        try merge(own.requestBodies, into: &components.requestBodies, kind: "request body")
        try merge(own.headers, into: &components.headers, kind: "header")
        try merge(own.securitySchemes, into: &components.securitySchemes, kind: "security scheme")
        try merge(own.links, into: &components.links, kind: "link")
        try merge(own.callbacks, into: &components.callbacks, kind: "callback")
        try merge(own.pathItems, into: &components.pathItems, kind: "path item")
    }

    func merge<Value: Equatable>(
        _ incoming: OrderedDictionary<OpenAPI.ComponentKey, Value>,
        into existing: inout OrderedDictionary<OpenAPI.ComponentKey, Value>,
        kind: String
    ) throws {
        for (key, value) in incoming {
            if let present = existing[key] {
                guard present == value else {
                    throw APIDocumentError(
                        .conflictingComponent,
                        "the \(kind) \(key.rawValue) of \(slug) differs from another system's of the same name"
                    )
                }
            } else {
                existing[key] = value
            }
        }
    }
}

extension Either where A == OpenAPI.Reference<OpenAPI.PathItem>, B == OpenAPI.PathItem {
    /// The path item changed by `transform`, or the reference unchanged.
    fileprivate func mapPathItem(_ transform: (OpenAPI.PathItem) -> OpenAPI.PathItem) -> Self {
        switch self {
        case .a(let reference): .a(reference)
        case .b(let item): .b(transform(item))
        }
    }
}
