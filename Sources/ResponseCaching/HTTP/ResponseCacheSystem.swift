import Dashboard
import Foundation
import Hummingbird
import Logging
public import OpenAPIKit
public import Platform
import Redis
public import ServiceLifecycle
import Storage
public import StorageSchema

/// The API response cache mounted in `mastery serve`: `GET /v1/cache` (the counters), `POST /v1/cache/purge`
/// (admin token: keys, tags or URLs, hard or soft), the demo products API behind ``ResponseCacheMiddleware``
/// (`/v1/cache/demo/products/{id}`), and the page `/systems/cache` (hit ratios over time).
///
/// With a Redis tier (the default when the server has one) the shared tier and the backplane are Redis, so every
/// instance hears every invalidation; without one the cache is in process only. Configuration: ``Configuration``
/// (keys under `cache.`).
public struct ResponseCacheSystem: MasterySystem {
    /// Row 04 of the roadmap.
    public static let descriptor: SystemDescriptor =
        SystemCatalog.descriptor(module: "ResponseCaching")
        ?? SystemDescriptor(
            number: 4,
            name: "API response cache",
            module: "ResponseCaching",
            slug: "cache",
            summary: "L1 in process, L2 Redis, invalidation across instances",
            anchors: ""
        )

    /// The demo table: on the PostgreSQL tier when there is one, else in the embedded SQLite database.
    public static var migrations: SystemMigrations {
        SystemMigrations(sqlite: CacheDemoProducts.migrations, postgres: CacheDemoProducts.postgresMigrations)
    }

    /// The cache.
    public let cache: ResponseCache
    let demo: CacheDemoProducts
    let page: ResponseCachePage
    /// Copies the counters into `/metrics` every second.
    let sampler: ResponseCacheSampler
    let backgroundServices: [any Service]

    /// The API's document (``ResponseCacheOpenAPI``).
    public var apiDocument: OpenAPI.Document? { ResponseCacheOpenAPI.document }
    public var services: [any Service] { backgroundServices }
    /// Fresh hits of the demo's public reads, answered before routing (`cache.edge`).
    public let edgeResponders: [any EdgeResponder]
    /// The cache's counters name keys and tags: a protected read.
    public var protectedReadRoutes: Set<String> { [""] }

    /// Reads the `cache.` keys and builds the tiers, the demo and the page.
    /// - Throws: ``ConfigurationError`` for an invalid key, or `cache.store` `redis` without a Redis tier.
    public init(context: SystemContext) async throws {
        let configuration = try Configuration(reader: context.configuration)
        var cacheConfiguration = ResponseCache.Configuration(memoryBudget: configuration.memoryBudget)
        cacheConfiguration.backplaneLease = configuration.backplaneLease
        cacheConfiguration.heartbeatInterval = configuration.backplaneLease / 5
        cacheConfiguration.storeTimeout = configuration.storeTimeout
        let redis = context.resources[RedisClient.self]
        var services: [any Service] = []
        let instance = "\(ProcessInfo.processInfo.hostName.prefix(64))-\(ProcessInfo.processInfo.processIdentifier)"
        switch (configuration.store ?? (redis == nil ? .memory : .redis), redis) {
        case (.redis, nil):
            throw ConfigurationError(
                key: "cache.store",
                expected: "memory on a server without a Redis tier",
                reason: "redis needs redisURL"
            )
        case (.redis, let redis?):
            let store = RedisResponseCacheStore(client: redis, prefix: configuration.keyPrefix)
            let subscriber: RedisSubscriber
            do {
                subscriber = try RedisSubscriber(
                    configuration: .init(connection: redis.configuration.connection),
                    logger: context.logger
                )
            } catch {
                throw ConfigurationError(key: "redisURL", expected: "a usable Redis configuration", reason: "\(error)")
            }
            services.append(subscriber)
            cache = try ResponseCache(
                configuration: cacheConfiguration,
                store: store,
                backplane: RedisResponseCacheBackplane(subscriber: subscriber, client: redis, store: store),
                instance: instance,
                logger: context.logger
            )
        case (.memory, _):
            cache = try ResponseCache(configuration: cacheConfiguration, instance: instance, logger: context.logger)
        }
        services.append(cache)
        sampler = ResponseCacheSampler(cache: cache, metrics: ResponseCacheMetrics(factory: context.metrics.factory))
        services.append(sampler)
        backgroundServices = services
        let backend: CacheDemoProducts.Backend =
            if let postgres = context.resources[PostgresStorage.self] {
                .postgres(postgres.pool)
            } else {
                .sqlite(try context.resources.require(SQLiteStorage.self))
            }
        demo = CacheDemoProducts(
            backend: backend,
            cache: cache,
            maxAge: configuration.demoMaxAge,
            originDelay: configuration.demoOriginDelay
        )
        edgeResponders =
            configuration.edge
            ? [ResponseCacheEdge(cache: cache, pathPrefixes: [Self.descriptor.apiPath + "/demo/products/"])] : []
        let credentials =
            try context.credentials
            ?? AdminCredentials.load(configured: context.server.adminToken, dataDirectory: context.server.dataDirectory)
        page = ResponseCachePage(
            renderer: try DashboardRenderer(credentials: credentials, templates: ResponseCachePage.templates),
            cache: cache
        )
    }

    /// Adds the API under `/v1/cache` and the page under `/systems/cache`.
    public func addRoutes(to routes: SystemRoutes) {
        routes.api.get { [cache, sampler] _, _ in
            sampler.sample()
            return try Response.json(ResponseCacheStatisticsView(cache))
        }
        routes.api.post("purge") { [cache] request, context in
            let purge = try await request.decodeJSON(as: ResponseCachePurge.self, context: context)
            try purge.validate()
            return try Response.json(try await purge.apply(to: cache))
        }
        demo.addRoutes(to: routes.api.group("demo"))
        page.addRoutes(to: routes)
    }
}
