import Foundation
import Logging
import Platform
import ServiceLifecycle
import Storage
import Synchronization

/// Applies the systems' PostgreSQL migrations when the database answers, retrying with back-off while it does
/// not: a server whose database is down at boot still starts, reports `/ready` 503 (the `postgres migrations`
/// check) and becomes ready once the schema is applied. The first attempt runs before the listener opens
/// (``MasteryServer``), so with a reachable database nothing is served before the schema exists.
final class PostgresMigrationService: Service, Sendable {
    let database: PostgresStorage
    let migrations: [SchemaMigrations]
    let logger: Logger
    let applied = Atomic<Bool>(false)

    init(database: PostgresStorage, migrations: [SchemaMigrations], logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    var isApplied: Bool { applied.load(ordering: .acquiring) }

    /// One attempt, bounded by `deadline`.
    func attempt(deadline: Duration) async throws {
        try await withDeadline(deadline) {
            try await self.database.migrate(self.migrations, logger: self.logger)
        }
        applied.store(true, ordering: .releasing)
    }

    /// The readiness check: down until the migrations are applied.
    var readinessCheck: ClosureReadinessCheck {
        ClosureReadinessCheck(name: "postgres migrations", target: database.url.redacted) { [self] in
            guard isApplied else {
                throw StorageError(code: .connectionFailed, message: "the PostgreSQL migrations are not applied yet")
            }
        }
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.retry() }
        if !Task.isCancelled { try? await gracefulShutdown() }
    }

    /// Retries until the migrations are applied (then returns), or until cancelled.
    func retry() async throws {
        var delay: Duration = .seconds(1)
        while !isApplied, !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            guard !isApplied else { break }
            do {
                try await attempt(deadline: .seconds(60))
                logger.notice("PostgreSQL migrations applied", metadata: ["postgres": "\(database.url.redacted)"])
            } catch {
                logger.warning(
                    "PostgreSQL migrations not applied yet; retrying",
                    metadata: ["postgres": "\(database.url.redacted)", "retry_in": "\(delay)"]
                )
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
