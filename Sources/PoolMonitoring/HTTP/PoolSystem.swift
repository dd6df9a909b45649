import Dashboard
import Hummingbird
import Logging
public import OpenAPIKit
public import Platform
public import ServiceLifecycle
import Storage

/// The pool monitor, mounted in `mastery serve`. With a PostgreSQL tier it watches the server's shared pool
/// (Storage's, `application_name` `mastery`, from which every system borrows):
///
/// - the `pool.` keys (``Configuration``) resize it and set its timeouts when the system starts, and the
///   `pool.autoscale.` keys turn on and tune its ``PoolAutoscaler`` (off unless `pool.autoscale.enabled`);
/// - its metrics go to the server's `/metrics` (``PoolMetrics``), refreshed every second by ``PoolSampler``, which
///   also keeps the last samples (``PoolHistory``);
/// - `GET /v1/pool` answers its snapshot, limits, the `pg_stat_activity` cross-check and the samples, and
///   `PUT /v1/pool` resizes it (both need the admin token or a session: the snapshot names holders and files);
/// - the page `/systems/pool` charts it live and resizes it.
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

    /// The configuration read at start.
    public let configuration: Configuration
    /// The server's pool (Storage's), when it has a PostgreSQL tier.
    let pool: PostgresPool?
    /// The pool's metrics, when there is a pool.
    public let metrics: PoolMetrics?
    /// The last samples of the pool.
    public let history: PoolHistory
    let api: PoolAPI
    let page: PoolPage
    let backgroundServices: [any Service]

    /// Reads the `pool.` keys and applies them to the server's pool, if it has one (the pool is Storage's: every
    /// system borrows from it, and Storage runs it), and registers its metrics.
    /// - Throws: ``ConfigurationError`` for an invalid `pool.` key.
    public init(context: SystemContext) async throws {
        let configuration = try Configuration(reader: context.configuration)
        let storage = context.resources[PostgresStorage.self]
        let pool = storage?.pool
        let history = PoolHistory(capacity: configuration.historySize)
        var services: [any Service] = []
        var metrics: PoolMetrics?
        var autoscaler: PoolAutoscaler<PostgresPoolConnectionFactory, ContinuousClock>?
        if let pool {
            try configuration.apply(to: pool)
            let created = PoolMetrics(registry: context.metrics.registry)
            pool.addObserver(created)
            services.append(
                PoolSampler(snapshot: { pool.snapshot() }, metrics: created, history: history, clock: ContinuousClock())
            )
            metrics = created
            do {
                let scaler = try PoolAutoscaler(
                    pool: pool,
                    configuration: configuration.autoscale,
                    logger: context.logger
                )
                services.append(scaler)
                autoscaler = scaler
            } catch let error as PoolError {
                throw ConfigurationError(
                    key: "pool.autoscale",
                    expected: "valid autoscaler settings",
                    reason: error.message
                )
            }
        }
        self.configuration = configuration
        self.pool = pool
        self.metrics = metrics
        self.history = history
        self.backgroundServices = services
        self.api = PoolAPI(
            pool: pool,
            applicationName: storage?.factory.applicationName ?? "",
            history: history,
            autoscaler: autoscaler,
            checkTimeout: .seconds(2)
        )
        let credentials =
            try context.credentials
            ?? AdminCredentials.load(configured: context.server.adminToken, dataDirectory: context.server.dataDirectory)
        self.page = PoolPage(
            renderer: try DashboardRenderer(credentials: credentials, templates: PoolPage.templates),
            api: api
        )
    }

    /// The sampler that refreshes the metrics and the history every second, and the autoscaler (with a pool).
    public var services: [any Service] { backgroundServices }

    /// The snapshot names holders' labels and the source files they acquired in: reading it needs the admin token
    /// or a dashboard session.
    public var protectedReadRoutes: Set<String> { [""] }

    /// The API's document, merged into `GET /v1/openapi.json` and `/docs`.
    public var apiDocument: OpenAPI.Document? { PoolOpenAPI.document }

    /// `GET` and `PUT /v1/pool`, and the page `/systems/pool`.
    public func addRoutes(to routes: SystemRoutes) {
        api.addRoutes(to: routes.api)
        page.addRoutes(to: routes)
    }
}
