public import Configuration
public import Hummingbird
public import Logging
public import OpenAPIKit
public import ServiceLifecycle
public import Redis
public import Storage

/// A system of the curriculum, as the composition root mounts it: its migrations, HTTP routes, dashboard page,
/// background services and readiness checks. Adding a system to `mastery serve` is one line in
/// `MasteryServer.systems`.
public protocol MasterySystem: Sendable {
    /// The system's roadmap row.
    static var descriptor: SystemDescriptor { get }

    /// Builds the system from its context (configuration already scoped to its slug).
    /// - Throws: ``ConfigurationError`` for invalid configuration, or a failure to reach a backend it needs.
    init(context: SystemContext) async throws

    /// The schema the system needs; applied before the server starts.
    var migrations: SchemaMigrations? { get }

    /// Adds the system's routes: its API under `/v1/<slug>` and its page under `/systems/<slug>`.
    func addRoutes(to router: Router<MasteryRequestContext>)

    /// Background work that runs for the server's lifetime (sweepers, listeners, workers).
    var services: [any Service] { get }

    /// The backends the system needs, for `/ready`.
    var readinessChecks: [any ReadinessCheck] { get }

    /// State-changing routes that other services call to make decisions, which need no admin credentials.
    var publicWriteRoutes: Set<String> { get }

    /// The problem types the system's routes answer with besides Platform's, so `/problems/<slug>` describes
    /// them too.
    var problemKinds: [ProblemDetails.Kind] { get }

    /// The OpenAPI document of the system's API, with paths relative to its API prefix (`/check` for
    /// `/v1/<slug>/check`, `/` for the prefix itself), written with the OpenAPI kit (`APIDocumentation`). The server
    /// prefixes and merges every mounted system's into `GET /v1/openapi.json` and renders `/docs` from it; `nil`
    /// (the default) leaves the system out of both.
    var apiDocument: OpenAPI.Document? { get }
}

extension MasterySystem {
    public var migrations: SchemaMigrations? { nil }
    public var services: [any Service] { [] }
    public var readinessChecks: [any ReadinessCheck] { [] }
    public var publicWriteRoutes: Set<String> { [] }
    public var problemKinds: [ProblemDetails.Kind] { [] }
    public var apiDocument: OpenAPI.Document? { nil }
}

/// What a system is given when it is mounted.
public struct SystemContext: Sendable {
    /// The configuration, scoped to the system's slug (`ratelimit.*` keys, `MASTERY_RATELIMIT_*` variables).
    public var configuration: ConfigReader
    /// The server's configuration.
    public var server: MasteryConfiguration
    /// A logger labelled for the system.
    public var logger: Logger
    /// The server's metrics.
    public var metrics: MetricsRegistry
    /// The embedded SQLite database (always present).
    public var sqlite: SQLiteStorage
    /// The shared PostgreSQL tier, when `postgresURL` is set.
    public var postgres: PostgresStorage?
    /// The shared Redis tier (a connection pool the server runs as a service), when `redisURL` is set.
    public var redis: RedisClient?
    /// The modules of every system this server mounts (`RateLimiting`, …), so a page can link to the others.
    public var mountedModules: Set<String>
    /// The admin credentials, for systems that render dashboard pages (`nil` when the caller has none).
    public var credentials: AdminCredentials?

    /// Creates a context.
    public init(
        configuration: ConfigReader,
        server: MasteryConfiguration,
        logger: Logger,
        metrics: MetricsRegistry,
        sqlite: SQLiteStorage,
        postgres: PostgresStorage?,
        redis: RedisClient?,
        mountedModules: Set<String> = [],
        credentials: AdminCredentials? = nil
    ) {
        self.configuration = configuration
        self.server = server
        self.logger = logger
        self.metrics = metrics
        self.sqlite = sqlite
        self.postgres = postgres
        self.redis = redis
        self.mountedModules = mountedModules
        self.credentials = credentials
    }
}
