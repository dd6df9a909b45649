import Hummingbird
import Logging
public import Platform
public import ServiceLifecycle
import Storage

/// The pool monitor, mounted in `mastery serve`: with a PostgreSQL tier it runs a ``ConnectionPool`` on the
/// server's database (`application_name` `mastery-pool`) as a service, and `GET /v1/pool` (admin token) answers
/// its ``PoolSnapshot``. Metrics, the page and the autoscaler come later (issue 14).
public struct PoolSystem: MasterySystem {
    /// The roadmap's row 03.
    public static let descriptor: SystemDescriptor =
        SystemCatalog.descriptor(module: "PoolMonitoring")
        ?? SystemDescriptor(
            number: 3,
            name: "Connection pool monitor & autoscaler",
            module: "PoolMonitoring",
            slug: "pool",
            summary: "a PostgreSQL pool that resizes live",
            anchors: "HikariCP, PgBouncer, psycopg-pool, PostgresNIO's pool"
        )

    /// What `GET /v1/pool` answers.
    struct Status: Codable, Sendable {
        /// Whether the server has a PostgreSQL tier (and so a pool).
        var configured: Bool
        /// The pool's counts, when there is one.
        var pool: PoolSnapshot?
    }

    /// The server's pool (Storage's), when it has a PostgreSQL tier.
    let pool: PostgresPool?

    /// Watches the pool of the server's PostgreSQL database, if it has one (the pool is Storage's: every system
    /// borrows from it, and Storage runs it).
    public init(context: SystemContext) async throws {
        pool = context.resources[PostgresStorage.self]?.pool
    }

    /// The snapshot names holders' labels and the source files they acquired in: reading it needs the admin token
    /// or a dashboard session.
    public var protectedReadRoutes: Set<String> { [""] }

    /// `GET /v1/pool`: the snapshot.
    public func addRoutes(to routes: SystemRoutes) {
        routes.api.get { [pool] _, _ in
            try Response.json(Status(configured: pool != nil, pool: pool?.snapshot()))
        }
    }
}
