import Configuration
import Foundation
import Logging
public import Platform
import Storage

extension SystemContext {
    /// A context for building one system in a test as `mastery serve` would, without a server: a fresh data folder
    /// (in the temporary folder) holding the embedded SQLite database with the system's SQLite migrations applied,
    /// no PostgreSQL or Redis tier, default configuration except for `flags` (server keys such as `progressFile`,
    /// and the system's own keys spelled with its slug, such as `ratelimit.store`).
    ///
    /// ```swift
    /// let system = try await RateLimitSystem(context: .forTesting(RateLimitSystem.self))
    /// let router = Router(context: MasteryRequestContext.self)
    /// system.addRoutes(to: SystemRoutes(descriptor: RateLimitSystem.descriptor, router: router))
    /// ```
    /// - Parameters:
    ///   - system: The system: its configuration is scoped to its slug, its migrations applied.
    ///   - flags: Configuration keys and values, as on the command line.
    /// - Throws: A configuration or storage error.
    public static func forTesting(
        _ system: any MasterySystem.Type,
        flags: [String: String] = [:]
    ) async throws -> SystemContext {
        let slug = system.descriptor.slug
        let (reader, server, folder, logger) = try await TestConfiguration.make(flags: flags, label: "test.\(slug)")
        let sqlite = try SQLiteStorage(path: folder.appendingPathComponent("mastery.sqlite").path)
        if let migrations = system.migrations.sqlite { try await sqlite.migrate([migrations], logger: logger) }
        var resources = SystemResources()
        resources.add(sqlite)
        return SystemContext(
            configuration: reader.scoped(to: ConfigKey(slug)),
            server: server,
            logger: logger,
            metrics: MetricsRegistry(),
            resources: resources
        )
    }
}
