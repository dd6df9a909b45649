import Dashboard
public import Hummingbird
import Logging
public import OpenAPIKit
public import Platform
import Redis
public import ServiceLifecycle
import Storage
public import StorageSchema

/// The distributed rate limiter mounted in `mastery serve`: the decision and policy API under `/v1/ratelimit`
/// (``RateLimitController``), the demo route behind ``RateLimitMiddleware``, and the dashboard page
/// `/systems/ratelimit`.
///
/// With a Redis tier (the default when the server has one) decisions run in Redis (``RedisRateLimitStore``) and
/// policies live there too, changes announced to every instance by pub/sub; without one, decisions are in memory
/// (swept by ``RateLimitSweeper``) and policies in the embedded SQLite database. While Redis fails, each policy's
/// failure mode decides (``RateLimiter``). The policy `demo` is created at start when absent. Configuration:
/// ``Configuration`` (keys under `ratelimit.`).
public struct RateLimitSystem: MasterySystem {
    /// Row 01 of the roadmap.
    public static let descriptor: SystemDescriptor =
        SystemCatalog.descriptor(module: "RateLimiting")
        ?? SystemDescriptor(
            number: 1,
            name: "Distributed rate limiter",
            module: "RateLimiting",
            slug: "ratelimit",
            summary: "rate limits in memory or Redis",
            anchors: ""
        )

    /// The configuration read at start.
    public let configuration: Configuration
    /// The store in use.
    public let store: Configuration.Store
    /// Decides requests.
    public let limiter: RateLimiter
    /// The policies.
    public let registry: RateLimitPolicyRegistry
    let controller: RateLimitController
    let page: RateLimitPage
    let backgroundServices: [any Service]
    let logger: Logger

    /// Reads the configuration and builds the store, the registry and the routes.
    /// - Throws: ``ConfigurationError`` for an invalid `ratelimit.` key, or `ratelimit.store` `redis` on a server
    ///   without a Redis tier; a storage error when the SQLite policy table cannot be created; a file-system error
    ///   when the dashboard's generated admin token cannot be written to the data folder.
    public init(context: SystemContext) async throws {
        let configuration = try Configuration(reader: context.configuration)
        let logger = context.logger
        let decisionStore: any RateLimitStore
        let policyStore: any RateLimitPolicyStore
        var services: [any Service] = []
        let sharedRedis = context.resources[RedisClient.self]
        let kind = configuration.store ?? (sharedRedis == nil ? .memory : .redis)
        switch (kind, sharedRedis) {
        case (.redis, nil):
            throw ConfigurationError(
                key: "ratelimit.store",
                expected: "memory on a server without a Redis tier",
                reason: "redis needs redisURL or redisSentinels"
            )
        case (.redis, let redis?):
            decisionStore = RedisRateLimitStore(client: redis, keyPrefix: configuration.keyPrefix)
            // Change notices need a subscriber connection of their own; the pool's sentinel failover is not
            // followed by it, so behind sentinels changes arrive at the registry's periodic reload instead.
            var subscriber: RedisSubscriber? = nil
            if redis.configuration.sentinel == nil {
                do {
                    subscriber = try RedisSubscriber(
                        configuration: .init(connection: redis.configuration.connection),
                        logger: logger
                    )
                } catch {
                    throw ConfigurationError(
                        key: "redisURL",
                        expected: "a usable Redis configuration",
                        reason: "\(error)"
                    )
                }
            }
            if let subscriber { services.append(subscriber) }
            policyStore = RedisRateLimitPolicyStore(
                client: redis,
                subscriber: subscriber,
                keyPrefix: configuration.keyPrefix,
                logger: logger
            )
        case (.memory, _):
            decisionStore = InMemoryRateLimitStore()
            // The table is declared for the SQLite tier (``migrations``): the root has applied it already.
            policyStore = SQLiteRateLimitPolicyStore(
                storage: try context.resources.require(SQLiteStorage.self),
                logger: logger
            )
        }
        let limiter = RateLimiter(
            store: decisionStore,
            configuration: .init(
                decisionTimeout: configuration.decisionTimeout,
                recoveryProbeInterval: configuration.recoveryProbeInterval
            ),
            metricsFactory: context.metrics.factory,
            logger: logger
        )
        let registry = RateLimitPolicyRegistry(
            store: policyStore,
            maximumPolicies: configuration.maxPolicies,
            logger: logger
        )
        services.append(registry)
        services.append(RateLimitSweeper(store: limiter.localStore, logger: logger))
        services.append(
            RateLimitPolicySeeder(registry: registry, policy: RateLimitController.demoPolicy, logger: logger)
        )
        self.configuration = configuration
        self.store = kind
        self.limiter = limiter
        self.registry = registry
        self.logger = logger
        backgroundServices = services
        controller = RateLimitController(
            limiter: limiter,
            registry: registry,
            storeName: kind.rawValue,
            clientAddress: ClientAddressResolver(
                trustedProxies: configuration.trustedProxies,
                header: configuration.forwardedHeader
            )
        )
        let credentials =
            try context.credentials
            ?? AdminCredentials.load(configured: context.server.adminToken, dataDirectory: context.server.dataDirectory)
        page = RateLimitPage(
            renderer: try DashboardRenderer(credentials: credentials, templates: RateLimitPage.templates),
            basePath: Self.descriptor.pagePath,
            apiPath: Self.descriptor.apiPath,
            limiter: limiter,
            storeName: kind.rawValue,
            policies: { [registry] in registry.all }
        )
        logger.info(
            "Rate limiter",
            metadata: [
                "ratelimit.store": .string(kind.rawValue),
                "ratelimit.trusted_proxies": .string(
                    configuration.trustedProxies.map(\.description).joined(separator: ",")
                ),
            ]
        )
    }

    /// The policy table of the in-memory mode, in the embedded SQLite database only (with Redis, policies live in
    /// Redis; nothing of the rate limiter lives in PostgreSQL).
    public static var migrations: SystemMigrations { SystemMigrations(sqlite: SQLiteRateLimitPolicyStore.migrations) }

    /// The registry (loading and following policy changes), the sweeper of the in-memory state, the demo
    /// policy's seeder, and with Redis the change-notice subscriber.
    public var services: [any Service] { backgroundServices }

    /// `ratelimit-policies`: ready once the policies are loaded.
    public var readinessChecks: [any ReadinessCheck] {
        [
            ClosureReadinessCheck(name: "ratelimit-policies", target: store.rawValue) { [registry] in
                guard registry.isLoaded else {
                    throw RateLimitError(.storeUnavailable, "the policies are not loaded yet")
                }
            }
        ]
    }

    /// `POST /v1/ratelimit/check`: other services call it without admin credentials.
    public var publicWriteRoutes: Set<String> { [RateLimitController.checkRoute] }

    /// `rate-limited` (429) and `invalid-policy` (400).
    public var problemKinds: [ProblemDetails.Kind] { ProblemDetails.rateLimitKinds }

    /// ``RateLimitOpenAPI/document``: the API under `/v1/ratelimit`, paths relative to it.
    public var apiDocument: OpenAPI.Document? { RateLimitOpenAPI.document }

    /// Adds the API (`/v1/ratelimit…`) and the page (`/systems/ratelimit`).
    public func addRoutes(to routes: SystemRoutes) {
        controller.addRoutes(to: routes)
        page.addRoutes(to: routes)
    }
}
