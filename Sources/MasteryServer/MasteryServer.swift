public import Configuration
import Dashboard
import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import Platform
import Redis
import ServiceLifecycle
import Storage
public import Tracing
import UnixSignals

/// The composition root: builds the `mastery serve` application from its configuration, with every mounted
/// system, the operational endpoints and the dashboard, and runs it until SIGTERM/SIGINT.
public struct MasteryServer: Sendable {
    /// The server's configuration.
    public let configuration: MasteryConfiguration
    /// The full configuration reader (systems read their scoped keys from it).
    public let reader: ConfigReader
    /// The systems to mount.
    public let systemTypes: [any MasterySystem.Type]
    /// The server's metrics (the executable also bootstraps swift-metrics with its factory).
    public let metrics: MetricsRegistry
    /// The tracer for server spans (the executable also bootstraps swift-distributed-tracing with it).
    public let tracer: any Tracer
    let logger: Logger

    /// Creates the server.
    /// - Parameters:
    ///   - configuration: The validated server configuration.
    ///   - reader: The reader it came from (for systems' keys).
    ///   - systems: The systems to mount (the executable passes its systems list).
    ///   - metrics: Where metrics go (a fresh registry by default).
    ///   - tracer: Where server spans go (W3C propagation only, by default).
    ///   - logger: The root logger.
    public init(
        configuration: MasteryConfiguration,
        reader: ConfigReader,
        systems: [any MasterySystem.Type],
        metrics: MetricsRegistry = MetricsRegistry(),
        tracer: any Tracer = TraceContextTracer(),
        logger: Logger
    ) {
        self.tracer = tracer
        self.configuration = configuration
        self.metrics = metrics
        self.reader = reader
        self.systemTypes = systems
        self.logger = logger
    }

    /// What ``makeApplication(onServerRunning:)`` builds: the application and what it shares with its caller.
    public struct Assembly: Sendable {
        /// The HTTP application (a `Service`).
        public var application: Application<RouterResponder<MasteryRequestContext>>
        /// The readiness state (``ShutdownDrainService`` flips it).
        public var readiness: Readiness
        /// The server's metrics.
        public var metrics: MetricsRegistry
        /// The admin credentials.
        public var credentials: AdminCredentials
        /// The one-time dashboard sign-in links.
        public var loginLinks: LoginLinks
        /// The port the server listens on, once bound.
        public var port: ListeningPort
    }

    /// Builds the application: storage, the systems' SQLite migrations, systems, routes, middleware, services.
    /// Nothing listens yet; the PostgreSQL migrations run when the application starts, before the listener opens
    /// (retried in the background, with `/ready` 503, while the database does not answer).
    /// - Parameters:
    ///   - loginLinks: The one-time dashboard sign-in links the server redeems.
    ///   - onServerRunning: Called once the listener is bound.
    /// - Throws: ``ConfigurationError`` or a storage error.
    public func makeApplication(
        loginLinks: LoginLinks = LoginLinks(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> Assembly {
        let configuration = self.configuration
        let logger = self.logger
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let credentials: AdminCredentials
        do {
            credentials = try AdminCredentials.load(
                configured: configuration.adminToken,
                dataDirectory: configuration.dataDirectory
            )
        } catch let refusal as AdminTokenFile.Refusal {
            throw ConfigurationError(
                key: "dataDir",
                expected: "a data folder whose admin-token file is private to this user (mode 0600, owned by it)",
                reason: refusal.description
            )
        }
        let listeningPort = ListeningPort(configuration.port)
        let hostPolicy = HostPolicy(
            listenHost: configuration.host,
            allowedHosts: configuration.allowedHosts,
            allowedOrigins: configuration.allowedOrigins,
            port: listeningPort
        )
        let metrics = self.metrics
        let tracer = self.tracer
        let readiness = Readiness()

        // Storage tiers: SQLite always, PostgreSQL and Redis when configured.
        let sqlitePath = (configuration.dataDirectory as NSString).appendingPathComponent("mastery.sqlite")
        let sqlite = try SQLiteStorage(path: sqlitePath)
        readiness.add(ClosureReadinessCheck(name: "sqlite", target: sqlitePath) { try await sqlite.ping() })
        var postgres: PostgresStorage? = nil
        if let url = configuration.postgresURL {
            do {
                let database = try PostgresStorage(url: url, logger: logger)
                readiness.add(
                    ClosureReadinessCheck(name: "postgres", target: database.url.redacted) { try await database.ping() }
                )
                postgres = database
            } catch {
                throw ConfigurationError(key: "postgresURL", expected: "a postgres:// URL", reason: "\(error)")
            }
        }
        var redis: RedisClient? = nil
        if configuration.redisURL != nil || !configuration.redisSentinels.isEmpty {
            let client: RedisClient
            do {
                var redisConfiguration =
                    try configuration.redisURL.map { try RedisClient.Configuration(url: $0) } ?? .init()
                if !configuration.redisSentinels.isEmpty {
                    redisConfiguration.sentinel = .init(
                        sentinels: configuration.redisSentinels.map {
                            RedisSentinel.Address(host: $0.host, port: $0.port)
                        },
                        primaryName: configuration.redisSentinelPrimary,
                        password: configuration.redisSentinelPassword
                    )
                }
                redisConfiguration.maximumConnections = configuration.redisMaxConnections
                redisConfiguration.connectionWaitTimeout = configuration.redisCommandTimeout
                redisConfiguration.connection.commandTimeout = configuration.redisCommandTimeout
                redisConfiguration.connection.clientName = "mastery"
                client = try RedisClient(configuration: redisConfiguration, logger: logger)
            } catch {
                throw ConfigurationError(key: "redisURL", expected: "a redis:// or rediss:// URL", reason: "\(error)")
            }
            let target =
                configuration.redisSentinels.isEmpty
                ? RedactedURL.redact(configuration.redisURL ?? "")
                : "sentinel \(configuration.redisSentinelPrimary) via \(configuration.redisSentinels.map(\.description).joined(separator: ","))"
            readiness.add(ClosureReadinessCheck(name: "redis", target: target) { _ = try await client.ping() })
            redis = client
        }

        // Schema: the systems' SQLite migrations now, before any system is built; their PostgreSQL migrations
        // once the PostgreSQL client runs (a service), before the listener opens.
        let sqliteMigrations = systemTypes.compactMap { $0.migrations.sqlite }
        if !sqliteMigrations.isEmpty { try await sqlite.migrate(sqliteMigrations, logger: logger) }
        let postgresMigrations = systemTypes.compactMap { $0.migrations.postgres }

        // Systems.
        var resources = SystemResources()
        resources.add(sqlite)
        if let postgres { resources.add(postgres) }
        if let redis { resources.add(redis) }
        var systems: [any MasterySystem] = []
        let mountedModules = Set(systemTypes.map { $0.descriptor.module })
        for type in systemTypes {
            let descriptor = type.descriptor
            var systemLogger = logger
            systemLogger[metadataKey: "system"] = .string(descriptor.slug)
            let context = SystemContext(
                configuration: reader.scoped(to: ConfigKey(descriptor.slug)),
                server: configuration,
                logger: systemLogger,
                metrics: metrics,
                resources: resources,
                mountedModules: mountedModules,
                credentials: credentials
            )
            systems.append(try await type.init(context: context))
        }
        for system in systems {
            for check in system.readinessChecks { readiness.add(check) }
        }

        // Routes and middleware (outermost first).
        let routeTable = RouteTable()
        let router = Router(context: MasteryRequestContext.self)
        let publicWrites = systems.reduce(into: DashboardController.publicWriteRoutes) { routes, system in
            let prefix = type(of: system).descriptor.apiPath
            routes.formUnion(system.publicWriteRoutes.map { $0.isEmpty ? prefix : prefix + "/" + $0 })
        }
        let protectedReads = systems.reduce(into: Set<String>()) { routes, system in
            let prefix = type(of: system).descriptor.apiPath
            routes.formUnion(system.protectedReadRoutes.map { $0.isEmpty ? prefix : prefix + "/" + $0 })
        }
        router.addMiddleware {
            RequestIDMiddleware()
            TracingMiddleware(tracer: tracer)
            HTTPMetricsMiddleware(factory: metrics.factory)
            RequestLogMiddleware()
            SecurityHeadersMiddleware()
            ProblemMiddleware(routeTable: routeTable)
            HostValidationMiddleware(policy: hostPolicy)
            BodyLimitMiddleware(limit: configuration.maxBodySize)
            AdminAuthMiddleware(
                credentials: credentials,
                hostPolicy: hostPolicy,
                exemptRoutes: publicWrites,
                protectedReads: protectedReads
            )
        }
        OperationsController(
            readiness: readiness,
            metrics: metrics,
            problemKinds: ProblemDetails.platformKinds + systems.flatMap(\.problemKinds)
        ).addRoutes(to: router)
        let renderer = try DashboardRenderer(
            credentials: credentials,
            templates: [APIReferencePage.templateName: APIReferencePage.template]
        )
        DashboardController(
            renderer: renderer,
            credentials: credentials,
            mountedModules: mountedModules,
            loginLinks: loginLinks
        ).addRoutes(to: router)
        for system in systems {
            system.addRoutes(to: SystemRoutes(descriptor: type(of: system).descriptor, router: router))
        }
        try APIDocsController(systems: systems, renderer: renderer).addRoutes(to: router)
        routeTable.load(router.routes.map { ($0.path.description, $0.method) })

        // The application: connection limits and timeouts protect it from slow or abusive clients.
        let headTimeout = TimeAmount.nanoseconds(Int64(configuration.requestHeadTimeout / .nanoseconds(1)))
        let idleTimeout = TimeAmount.nanoseconds(Int64(configuration.idleTimeout / .nanoseconds(1)))
        var services: [any Service] = []
        if let postgres { services.append(postgres) }
        var migrator: PostgresMigrationService?
        if let postgres, !postgresMigrations.isEmpty {
            let service = PostgresMigrationService(database: postgres, migrations: postgresMigrations, logger: logger)
            readiness.add(service.readinessCheck)
            services.append(service)
            migrator = service
        }
        if let redis { services.append(redis) }
        for system in systems { services.append(contentsOf: system.services) }
        let edgeResponders = systems.flatMap(\.edgeResponders)
        var application = Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        HTTP1ConnectionHandler.install(),
                        RequestHeadTimeoutHandler(timeout: headTimeout, idleTimeout: idleTimeout),
                    ]
                        + (edgeResponders.isEmpty
                            ? []
                            : [
                                EdgeChannelHandler.install(
                                    responders: edgeResponders,
                                    hostPolicy: hostPolicy,
                                    serverName: "mastery"
                                )
                            ]),
                    // Idle clients are timed by RequestHeadTimeoutHandler, which also sees requests the edge
                    // answers (Hummingbird's idle timer would close a connection busy only with those).
                    idleTimeout: nil
                )
            ),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "mastery",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)
            ),
            services: services,
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { listeningPort.set(port) }
                logger.info(
                    "Server started",
                    metadata: [
                        "http.host": .string(configuration.host),
                        "http.port": .stringConvertible(channel.localAddress?.port ?? configuration.port),
                    ]
                )
                await onServerRunning(channel)
            },
            logger: logger
        )
        application.beforeServerStarts { [migrator] in
            // With a reachable database the schema exists before anything is served; otherwise the server starts
            // not ready and the migration service retries in the background.
            guard let migrator else { return }
            do {
                try await migrator.attempt(deadline: .seconds(10))
            } catch {
                logger.warning(
                    "PostgreSQL did not answer to apply migrations; /ready stays 503 until they are applied",
                    metadata: ["postgres": "\(migrator.database.url.redacted)"]
                )
            }
        }
        return Assembly(
            application: application,
            readiness: readiness,
            metrics: metrics,
            credentials: credentials,
            loginLinks: loginLinks,
            port: listeningPort
        )
    }

    /// The line `mastery serve` prints on standard output once it listens with a generated token: a one-time
    /// dashboard sign-in link (``LoginLinks``). With a configured token nothing is printed (sign in with the
    /// token), so no sign-in link ends up in collected output.
    static func signInLine(configuration: MasteryConfiguration, links: LoginLinks, port: Int) -> String? {
        guard configuration.adminToken == nil else { return nil }
        let host =
            configuration.host.contains(":") && !configuration.host.hasPrefix("[")
            ? "[\(configuration.host)]" : configuration.host
        return "Dashboard: http://\(host):\(port)\(links.issue()) (a one-time sign-in link)"
    }

    /// Runs the server until SIGTERM or SIGINT, then shuts down gracefully within the grace period.
    /// - Throws: A configuration, storage or listening error.
    public func run() async throws {
        let configuration = self.configuration
        let links = LoginLinks()
        let assembly = try await makeApplication(loginLinks: links) { channel in
            guard let port = channel.localAddress?.port,
                let line = Self.signInLine(configuration: configuration, links: links, port: port)
            else { return }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: assembly.application),
                    .init(
                        service: ShutdownDrainService(
                            readiness: assembly.readiness,
                            drainDelay: configuration.drainDelay
                        )
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            ).withGracePeriod(configuration.shutdownGracePeriod)
        )
        try await group.run()
        logger.info("Server stopped")
    }
}

extension ServiceGroupConfiguration {
    fileprivate func withGracePeriod(_ grace: Duration) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = grace
        return copy
    }
}
