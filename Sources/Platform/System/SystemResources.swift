/// What the composition root shares with the systems it mounts (the embedded SQLite database, the shared
/// PostgreSQL and Redis tiers), looked up by type. Platform knows none of these types, so a system links only the
/// stores it uses: the tracker builds without PostgresNIO, GRDB or the Redis client.
///
/// ```swift
/// let redis = context.resources[RedisClient.self]              // nil without a Redis tier
/// let sqlite = try context.resources.require(SQLiteStorage.self)  // always there in `mastery serve`
/// ```
public struct SystemResources: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    /// No resources.
    public init() {}

    /// The resource of type `type`, if the server has one.
    public subscript<Resource: Sendable>(_ type: Resource.Type) -> Resource? {
        values[ObjectIdentifier(type)] as? Resource
    }

    /// Shares `resource` (replacing one of the same type).
    public mutating func add<Resource: Sendable>(_ resource: Resource) {
        values[ObjectIdentifier(Resource.self)] = resource
    }

    /// The resource of type `type`.
    /// - Throws: ``ConfigurationError`` naming the type when the server has none.
    public func require<Resource: Sendable>(_ type: Resource.Type) throws -> Resource {
        guard let resource = self[type] else {
            throw ConfigurationError(
                key: "server",
                expected: "a server that provides \(type)",
                reason: "the composition root shares no \(type)"
            )
        }
        return resource
    }
}
