/// A backend whose state `/ready` reports: a database, Redis, a peer service.
public protocol ReadinessCheck: Sendable {
    /// A short name (`postgres`, `redis`, `sqlite`).
    var name: String { get }
    /// Where it is, safe to show (a URL without its password, a file path).
    var target: String { get }
    /// Whether the server is unready while this backend is down.
    var isRequired: Bool { get }
    /// Checks the backend once.
    /// - Throws: Any error: the backend counts as down and the error's description is shown.
    func check() async throws
}

/// A readiness check built from a closure.
public struct ClosureReadinessCheck: ReadinessCheck {
    public let name: String
    public let target: String
    public let isRequired: Bool
    let body: @Sendable () async throws -> Void

    /// Creates a check.
    public init(
        name: String,
        target: String,
        isRequired: Bool = true,
        check: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.target = target
        self.isRequired = isRequired
        self.body = check
    }

    public func check() async throws { try await body() }
}
