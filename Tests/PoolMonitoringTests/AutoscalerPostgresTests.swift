import Foundation
import Logging
import PoolMonitoring
import PostgresNIO
import Storage
import TestSupport
import Testing

/// The autoscaler's PostgreSQL side on the test script's server: the budget read from `max_connections` and
/// `pg_stat_activity`, and a real 53300 (a role's connection limit) recognised and backed off from.
@Suite(
    "Autoscaler on PostgreSQL",
    .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
)
struct AutoscalerPostgresTests {
    static let logger = TestPostgres.quietLogger

    static func uniqueName(_ prefix: String) -> String {
        prefix + UUID().uuidString.prefix(8).lowercased()
    }

    @Test("the budget is (max_connections - reserve) / instances, instances counted by application_name prefix")
    func readsTheBudget() async throws {
        let prefix = Self.uniqueName("mastery-autoscale-")
        try await TestPostgres.withDatabase { url in
            let factory = try PostgresPoolConnectionFactory(
                url: try PostgresURL(url),
                applicationName: prefix + "-a",
                logger: Self.logger
            )
            let pool = try PostgresPool(factory: factory, configuration: PoolConfiguration(), logger: Self.logger)
            try await withRunning(pool) {
                let rows = try await pool.query("SELECT current_setting('max_connections')::int")
                let maxConnections = Int(try #require(rows.first).decode(Int32.self))
                #expect(maxConnections > 0)
                let alone = try await AutoscalerBudget.read(from: pool, reserve: 3, instancePrefix: prefix)
                #expect(alone == AutoscalerBudget(maxConnections: maxConnections, reserve: 3, instances: 1))
                // A second instance with a connection open under the same prefix, and one under another.
                let second = try PostgresPoolConnectionFactory(
                    url: try PostgresURL(url),
                    applicationName: prefix + "-b",
                    logger: Self.logger
                )
                let stranger = try PostgresPoolConnectionFactory(
                    url: try PostgresURL(url),
                    applicationName: "someone-else",
                    logger: Self.logger
                )
                let secondConnection = try await second.makeConnection(id: 0)
                let strangerConnection = try await stranger.makeConnection(id: 0)
                let shared = try await AutoscalerBudget.read(from: pool, reserve: 3, instancePrefix: prefix)
                let configured = try await AutoscalerBudget.read(
                    from: pool,
                    reserve: 3,
                    instances: 4,
                    instancePrefix: prefix
                )
                let unnamed = try await AutoscalerBudget.read(from: pool, reserve: 3)
                await second.close(secondConnection)
                await stranger.close(strangerConnection)
                #expect(shared.instances == 2)
                #expect(shared.connections == (maxConnections - 3) / 2)
                #expect(configured.instances == 4)
                #expect(unnamed.instances == 1)
            }
        }
    }

    @Test("a connect refused with SQLSTATE 53300 is recognised, and the autoscaler shrinks and backs off")
    func backsOffOnARealRefusal() async throws {
        let role = Self.uniqueName("mastery_autoscale_").replacingOccurrences(of: "-", with: "_")
        try await TestPostgres.withDatabase { url in
            let adminFactory = try PostgresPoolConnectionFactory(
                url: try PostgresURL(url),
                applicationName: "mastery-autoscale-admin",
                logger: Self.logger
            )
            let admin = try PostgresPool(factory: adminFactory, configuration: PoolConfiguration(), logger: Self.logger)
            try await withRunning(admin) {
                // The role may hold two connections at once: a third is refused with 53300.
                try await admin.query("CREATE ROLE \(unescaped: role) LOGIN CONNECTION LIMIT 2")
                do {
                    var roleURL = try PostgresURL(url)
                    roleURL.username = role
                    roleURL.password = nil
                    try await Self.refuseAndBackOff(roleURL)
                } catch {
                    _ = try? await admin.query("DROP ROLE IF EXISTS \(unescaped: role)")
                    throw error
                }
                _ = try? await admin.query("DROP ROLE IF EXISTS \(unescaped: role)")
            }
        }
    }

    static func refuseAndBackOff(_ url: PostgresURL) async throws {
        typealias Autoscaler = PoolAutoscaler<PostgresPoolConnectionFactory, ContinuousClock>
        let factory = try PostgresPoolConnectionFactory(url: url, applicationName: "mastery-autoscale", logger: logger)
        // The classifier on the server's own error.
        let first = try await factory.makeConnection(id: 1)
        let second = try await factory.makeConnection(id: 2)
        do {
            _ = try await factory.makeConnection(id: 3)
            Issue.record("a third connection was accepted")
        } catch {
            #expect(Autoscaler.isTooManyConnections(error))
            #expect(Autoscaler.isTooManyConnections(PoolError(.databaseUnavailable, "refused", underlying: error)))
        }
        #expect(!Autoscaler.isTooManyConnections(PoolError(.exhausted, "full")))
        await factory.close(first)
        await factory.close(second)

        var poolConfiguration = PoolConfiguration()
        poolConfiguration.maximum = 4
        poolConfiguration.acquireTimeout = .seconds(30)
        let pool = try PostgresPool(factory: factory, configuration: poolConfiguration, logger: logger)
        var configuration = AutoscalerConfiguration()
        configuration.enabled = true
        configuration.interval = .milliseconds(50)
        configuration.floor = 1
        configuration.reserve = 0
        configuration.instances = 1
        configuration.backoff = .seconds(120)
        let autoscaler = try Autoscaler(pool: pool, configuration: configuration, logger: logger)
        try await withRunning(pool) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await autoscaler.run() }
                defer { group.cancelAll() }
                try await withThrowingTaskGroup(of: Void.self) { load in
                    // Four holders at once on a pool of four: the third connect is refused.
                    for _ in 0..<4 {
                        load.addTask {
                            for _ in 0..<3 {
                                _ = try? await pool.query("SELECT pg_sleep(0.05)")
                            }
                        }
                    }
                    try await waitUntil("the refusal decided on") {
                        autoscaler.recentDecisions.contains { $0.rule == .tooManyConnections }
                    }
                    try await load.waitForAll()
                }
            }
        }
        let refused = try #require(autoscaler.recentDecisions.first { $0.rule == .tooManyConnections })
        #expect(refused.to < refused.from)
        #expect(refused.reason.contains("53300"))
        #expect(autoscaler.status.backingOff)
        #expect(pool.snapshot().maximum < 4)
    }
}
