public import Configuration
public import Hummingbird
public import Logging
public import OpenAPIKit
public import ServiceLifecycle
public import StorageSchema

/// A system of the curriculum, as the composition root mounts it: its migrations, HTTP routes, dashboard page,
/// background services and readiness checks. Adding a system to `mastery serve` is one line in
/// `MasteryServer.systems`.
public protocol MasterySystem: Sendable {
    /// The system's roadmap row.
    static var descriptor: SystemDescriptor { get }

    /// Builds the system from its context (configuration already scoped to its slug).
    /// - Throws: ``ConfigurationError`` for invalid configuration, or a failure to reach a backend it needs.
    init(context: SystemContext) async throws

    /// The schema the system needs, per tier: the root applies the SQLite migrations before any system is built
    /// and the PostgreSQL ones (with a PostgreSQL tier) before the server listens. No system migrates by hand.
    static var migrations: SystemMigrations { get }

    /// Adds the system's routes to the groups it is given: its API (`routes.api`, `/v1/<slug>`) and its page
    /// (`routes.page`, `/systems/<slug>`), with paths relative to them.
    func addRoutes(to routes: SystemRoutes)

    /// Background work that runs for the server's lifetime (sweepers, listeners, workers).
    var services: [any Service] { get }

    /// The backends the system needs, for `/ready`.
    var readinessChecks: [any ReadinessCheck] { get }

    /// State-changing API routes that other services call to make decisions, which need no admin credentials:
    /// paths relative to the API's prefix, as registered (`check` for `POST /v1/ratelimit/check`).
    var publicWriteRoutes: Set<String> { get }

    /// Read-only API routes whose answers are private (job payloads, for example), which need the admin token
    /// or a dashboard session like a write (reads need no CSRF token): paths relative to the API's prefix, as
    /// registered.
    var protectedReadRoutes: Set<String> { get }

    /// The problem types the system's routes answer with besides Platform's, so `/problems/<slug>` describes
    /// them too.
    var problemKinds: [ProblemDetails.Kind] { get }

    /// The OpenAPI document of the system's API, with paths relative to its API prefix (`/check` for
    /// `/v1/<slug>/check`, `/` for the prefix itself), written with the OpenAPI kit (`APIDocumentation`). The server
    /// prefixes and merges every mounted system's into `GET /v1/openapi.json` and renders `/docs` from it; `nil`
    /// (the default) leaves the system out of both.
    var apiDocument: OpenAPI.Document? { get }

    /// Responders that answer some requests from memory on the connection's event loop, before routing (the
    /// response cache's fresh entries): see ``EdgeResponder`` for what such an answer skips. Empty by default.
    var edgeResponders: [any EdgeResponder] { get }
}

extension MasterySystem {
    public static var migrations: SystemMigrations { .none }
    public var services: [any Service] { [] }
    public var readinessChecks: [any ReadinessCheck] { [] }
    public var publicWriteRoutes: Set<String> { [] }
    public var protectedReadRoutes: Set<String> { [] }
    public var problemKinds: [ProblemDetails.Kind] { [] }
    public var apiDocument: OpenAPI.Document? { nil }
    public var edgeResponders: [any EdgeResponder] { [] }
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
    /// What the server shares, by type: `SQLiteStorage` (always), `PostgresStorage` when `postgresURL` is set,
    /// `RedisClient` (a pool the server runs as a service) when `redisURL` or `redisSentinels` is set.
    public var resources: SystemResources
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
        resources: SystemResources,
        mountedModules: Set<String> = [],
        credentials: AdminCredentials? = nil
    ) {
        self.configuration = configuration
        self.server = server
        self.logger = logger
        self.metrics = metrics
        self.resources = resources
        self.mountedModules = mountedModules
        self.credentials = credentials
    }
}
