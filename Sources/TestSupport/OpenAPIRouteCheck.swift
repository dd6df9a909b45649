public import Hummingbird
public import OpenAPIKit

/// Compares a system's OpenAPI document with the routes it really mounts, in both directions: every route under the
/// system's API prefix must be documented, and every documented operation must be routed. Pages (`/systems/<slug>`)
/// and anything else outside the prefix are not compared.
///
/// ```swift
/// let router = Router(context: MasteryRequestContext.self)
/// system.addRoutes(to: SystemRoutes(descriptor: ThingSystem.descriptor, router: router))
/// let check = OpenAPIRouteCheck(document: try #require(system.apiDocument), router: router, prefix: "/v1/thing")
/// #expect(check.matches, "\(check)")
/// ```
///
/// Path templates are compared normalised: Hummingbird's `:name` and `{name}` and OpenAPI's `{name}` are all
/// `{name}`; a trailing slash is ignored.
public struct OpenAPIRouteCheck: Sendable, CustomStringConvertible {
    /// One operation: an upper-case method and a normalised path.
    public struct Operation: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// `GET`, `POST`, …
        public var method: String
        /// `/v1/thing/items/{name}`.
        public var path: String

        /// Creates an operation, normalising both parts.
        public init(method: String, path: String) {
            self.method = method.uppercased()
            self.path = OpenAPIRouteCheck.normalise(path)
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
        public var description: String { "\(method) \(path)" }
    }

    /// What the document describes under the prefix.
    public let documented: Set<Operation>
    /// What the router serves under the prefix.
    public let routed: Set<Operation>
    /// The prefix compared.
    public let prefix: String

    /// Compares `document` (paths relative to `prefix`, as a system writes it) with `router`'s routes under `prefix`.
    /// - Parameters:
    ///   - document: The system's document, paths relative to its prefix (``OpenAPI/Document/prefixed(with:)`` is
    ///     applied here).
    ///   - router: A router the system's routes were added to.
    ///   - prefix: The system's API prefix (`/v1/<slug>`).
    public init<Context: RequestContext>(document: OpenAPI.Document, router: Router<Context>, prefix: String) {
        let prefix = Self.normalise(prefix)
        self.prefix = prefix
        let base = OpenAPI.Path(rawValue: prefix).components
        var documented: Set<Operation> = []
        for (path, entry) in document.paths {
            guard let item = entry.b else { continue }
            let full = "/" + (base + path.components).joined(separator: "/")
            for endpoint in item.endpoints {
                documented.insert(Operation(method: endpoint.method.rawValue, path: full))
            }
        }
        self.documented = documented
        self.routed = Set(
            router.routes.map { Operation(method: $0.method.rawValue, path: $0.path.description) }
                .filter { $0.path == prefix || $0.path.hasPrefix(prefix + "/") }
        )
    }

    /// Routes the document does not describe.
    public var undocumented: [Operation] { routed.subtracting(documented).sorted() }
    /// Documented operations no route serves.
    public var unrouted: [Operation] { documented.subtracting(routed).sorted() }
    /// Whether the two sets are equal.
    public var matches: Bool { routed == documented }

    /// The differences, one per line, or a line saying there are none.
    public var description: String {
        guard !matches else { return "the document and the routes under \(prefix) agree (\(routed.count) operations)" }
        var lines = ["the document and the routes under \(prefix) differ:"]
        lines += undocumented.map { "  routed but not in the document: \($0)" }
        lines += unrouted.map { "  in the document but not routed: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// `/a/:b/{c}/` → `/a/{b}/{c}`.
    static func normalise(_ path: String) -> String {
        let segments = path.split(separator: "/").map { segment -> String in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }
}
