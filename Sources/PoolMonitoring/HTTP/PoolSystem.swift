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

    let pool: ConnectionPool<PostgresPoolConnectionFactory, ContinuousClock>?

    /// Builds the pool on the server's PostgreSQL database, if it has one.
    /// - Throws: When the TLS context for the database cannot be built.
    public init(context: SystemContext) async throws {
        guard let postgres = context.resources[PostgresStorage.self] else {
            pool = nil
            return
        }
        let factory = try PostgresPoolConnectionFactory(
            url: postgres.url,
            applicationName: "mastery-pool",
            logger: context.logger
        )
        pool = try ConnectionPool(factory: factory, configuration: PoolConfiguration(), logger: context.logger)
    }

    /// The pool, run for the server's lifetime.
    public var services: [any Service] { pool.map { [$0] } ?? [] }

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
