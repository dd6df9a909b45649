public import Hummingbird
public import Platform
import Storage
public import StorageSchema

/// The job system, mounted in `mastery serve`.
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
    public static var migrations: SystemMigrations { SystemMigrations() }

    /// Builds the system.
    public init(context: SystemContext) async throws {}

    /// Adds the API under `/v1/jobs` and the page under `/systems/jobs`.
    public func addRoutes(to routes: SystemRoutes) {}
}
