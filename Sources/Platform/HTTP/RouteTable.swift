public import HTTPTypes
import Synchronization

/// The routes the server registered, by path pattern and method: the source of `405` and its `Allow` header,
/// which Hummingbird's router does not produce (it answers an unknown method on a known path with 404).
public final class RouteTable: Sendable {
    private let routes: Mutex<[(pattern: [Substring], method: HTTPRequest.Method)]> = .init([])

    /// Creates an empty table.
    public init() {}

    /// Records the routes of a router (`router.routes`), given as `"/v1/things/{id}"` or `"/v1/things/:id"`.
    public func load(_ entries: [(path: String, method: HTTPRequest.Method)]) {
        routes.withLock { routes in
            routes = entries.map { (Self.components($0.path), $0.method) }
        }
    }

    /// The methods registered for paths matching `path`, sorted, or empty when no pattern matches.
    public func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let components = Self.components(path)
        let methods = routes.withLock { routes in
            routes.filter { Self.matches(pattern: $0.pattern, path: components) }.map(\.method)
        }
        var unique = Set(methods.map(\.rawValue))
        if unique.contains("GET") { unique.insert("HEAD") }
        return unique.sorted().compactMap { HTTPRequest.Method($0) }
    }

    static func components(_ path: String) -> [Substring] {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return withoutQuery.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func matches(pattern: [Substring], path: [Substring]) -> Bool {
        var index = 0
        for (position, segment) in pattern.enumerated() {
            if segment == "**" { return true }
            guard index < path.count else { return false }
            let isCapture =
                segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) || segment == "*"
            if !isCapture && segment != path[index] { return false }
            index += 1
            if position == pattern.count - 1 { return index == path.count }
        }
        return pattern.isEmpty && path.isEmpty
    }
}
