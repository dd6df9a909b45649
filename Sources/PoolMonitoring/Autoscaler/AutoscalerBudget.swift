/// How many connections one instance may open on a server that several share:
/// `(maxConnections - reserve) / instances`, rounded down.
///
/// HikariCP's advice (a pool of roughly cores × 2 + spindles per server, shared by every client) is about the
/// server, not one pool: every instance growing to its own ceiling at once would exceed `max_connections`, and the
/// server would refuse connections (SQLSTATE 53300) to all of them. Each instance keeps to its share instead.
public struct AutoscalerBudget: Sendable, Hashable, CustomStringConvertible {
    /// The server's `max_connections`.
    public var maxConnections: Int
    /// Connections kept for others (administrators, migrations, `superuser_reserved_connections`).
    public var reserve: Int
    /// Instances sharing the server (at least 1).
    public var instances: Int

    /// Creates a budget.
    /// - Parameters:
    ///   - maxConnections: The server's `max_connections`.
    ///   - reserve: Connections kept for others.
    ///   - instances: Instances sharing the server (a value below 1 counts as 1).
    public init(maxConnections: Int, reserve: Int, instances: Int) {
        self.maxConnections = maxConnections
        self.reserve = reserve
        self.instances = max(1, instances)
    }

    /// This instance's share, `(maxConnections - reserve) / instances` rounded down, and at least 1 (a pool needs a
    /// connection; on a server with no room left it keeps one).
    public var connections: Int {
        max(1, (maxConnections - reserve) / max(1, instances))
    }

    /// `12 = (100 - 4) / 8`.
    public var description: String {
        "\(connections) = (\(maxConnections) - \(reserve)) / \(instances)"
    }
}
