import Dashboard
import Foundation
public import Hummingbird
import Logging
public import OpenAPIKit
public import Platform
public import ServiceLifecycle
import Storage
public import StorageSchema

/// The job system, mounted in `mastery serve`: the store (SQLite by default, PostgreSQL when the server has it,
/// or memory), a worker running this instance's queues (`jobs.queues`), the API under `/v1/jobs`, the dashboard
/// page `/systems/jobs` and the demo job type. Configuration: ``Configuration`` (keys under `jobs.`).
public struct JobsSystem: MasterySystem {
    /// Row 02 of the roadmap.
    public static let descriptor: SystemDescriptor =
        SystemCatalog.descriptor(module: "Jobs")
        ?? SystemDescriptor(
            number: 2,
            name: "Job queue",
            module: "Jobs",
            slug: "jobs",
            summary: "background jobs with retries and a dead-letter queue",
            anchors: "River, Sidekiq"
        )

    /// The jobs' tables, in SQLite and PostgreSQL.
    public static var migrations: SystemMigrations {
        SystemMigrations(sqlite: SQLiteJobStore.migrations, postgres: PostgresJobStore.migrations)
    }

    /// The configuration read at start.
    public let configuration: Configuration
    /// The store in use.
    public let storeKind: Configuration.Store
    /// Enqueues jobs; register your own job types in its registry before the server starts.
    public let queue: JobQueue
    /// The worker, when this instance runs jobs.
    public let worker: JobWorker?
    let api: JobsAPI
    let page: JobsPage
    let backgroundServices: [any Service]

    /// Reads the configuration and builds the store, the worker and the routes.
    /// - Throws: ``ConfigurationError`` for an invalid `jobs.` key or `jobs.store` `postgres` without a
    ///   PostgreSQL tier.
    public init(context: SystemContext) async throws {
        let configuration = try Configuration(reader: context.configuration)
        let logger = context.logger
        let postgres = context.resources[PostgresStorage.self]
        let kind = configuration.store ?? (postgres == nil ? .sqlite : .postgres)
        let store: any JobStore
        let signal: any JobSignal
        // The store announces enqueues itself on PostgreSQL (NOTIFY, coalesced); elsewhere the producer does.
        var producerSignal: (any JobSignal)?
        var services: [any Service] = []
        switch kind {
        case .memory:
            store = InMemoryJobStore()
            signal = LocalJobSignal()
            producerSignal = signal
        case .sqlite:
            // The tables are declared for the SQLite tier (``migrations``): the root has applied them already.
            store = SQLiteJobStore(storage: try context.resources.require(SQLiteStorage.self))
            signal = LocalJobSignal()
            producerSignal = signal
        case .postgres:
            guard let postgres else {
                throw ConfigurationError(
                    key: "jobs.store",
                    expected: "memory or sqlite on a server without a PostgreSQL tier",
                    reason: "postgres needs postgresURL"
                )
            }
            let listener = PostgresJobSignal(pool: postgres.pool, logger: logger)
            services.append(listener)
            store = PostgresJobStore(pool: postgres.pool, signal: listener, logger: logger)
            signal = listener
            producerSignal = nil
        }
        let registry = JobRegistry()
        if configuration.demo { DemoJob.register(in: registry) }
        let queue = JobQueue(store: store, registry: registry, signal: producerSignal)
        var worker: JobWorker?
        if configuration.worker {
            var queues = configuration.queues
            if !configuration.demo { queues["demo"] = nil }
            if !queues.isEmpty {
                let created = try JobWorker(
                    store: store,
                    registry: registry,
                    signal: signal,
                    configuration: JobWorker.Configuration(
                        queues: queues,
                        pollInterval: configuration.pollInterval,
                        leaseDuration: configuration.leaseDuration,
                        shutdownGracePeriod: configuration.shutdownGracePeriod,
                        completedRetention: configuration.completedRetention,
                        deadRetention: configuration.deadRetention
                    ),
                    logger: logger
                )
                services.append(created)
                worker = created
            }
        }
        services.append(JobStatisticsService(store: store, logger: logger))
        self.configuration = configuration
        self.storeKind = kind
        self.queue = queue
        self.worker = worker
        self.api = JobsAPI(queue: queue, worker: worker, signal: signal, now: { Date() })
        self.backgroundServices = services
        let credentials =
            try context.credentials
            ?? AdminCredentials.load(configured: context.server.adminToken, dataDirectory: context.server.dataDirectory)
        self.page = JobsPage(
            renderer: try DashboardRenderer(credentials: credentials, templates: JobsPage.templates),
            store: store
        )
    }

    /// The worker, the statistics gauges and (on PostgreSQL) the `LISTEN` connection.
    public var services: [any Service] { backgroundServices }

    /// Job lists and details hold payloads, results and errors: they need the admin token.
    public var protectedReadRoutes: Set<String> { JobsAPI.protectedReads }

    /// The API's document, merged into `GET /v1/openapi.json` and `/docs`.
    public var apiDocument: OpenAPI.Document? { JobsOpenAPI.document }

    /// Adds the API under `/v1/jobs` and the page under `/systems/jobs`.
    public func addRoutes(to routes: SystemRoutes) {
        api.addRoutes(to: routes.api)
        page.addRoutes(to: routes)
    }
}
