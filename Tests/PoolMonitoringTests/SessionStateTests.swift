import Foundation
import PostgresNIO
import Storage
import Synchronization
import TestSupport
import Testing

@testable import PoolMonitoringCore

/// Which statements leave a pooled session clean (no reset on release) and which mark it dirty.
@Suite("The pooled connection's dirty bit")
struct SessionStateTests {
    @Test(
        "plain reads and writes leave the session clean",
        arguments: [
            "SELECT 1",
            "  select attempt, temperature FROM jobs WHERE state = $1",
            "(SELECT 1) UNION (SELECT 2)",
            "INSERT INTO job_attempts (job_id, attempt) VALUES ($1, $2)",
            "UPDATE jobs SET state = 'completed' WHERE id = ANY($1)",
            "DELETE FROM jobs WHERE finished_at < $1",
            "WITH claimed AS (UPDATE jobs SET claims = claims + 1 RETURNING id) SELECT id FROM claimed",
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            "VALUES (1)",
            "TABLE jobs",
        ]
    )
    func clean(sql: String) {
        #expect(PostgresPooledConnection.leavesSessionClean(sql))
    }

    @Test(
        "anything that may leave state behind marks it dirty",
        arguments: [
            "SET search_path TO pg_catalog",
            "BEGIN",
            "COMMIT",
            "CREATE TEMP TABLE t (x int)",
            "SELECT set_config('search_path', 'pg_catalog', false)",
            "SELECT pg_advisory_lock(42)",
            "select PG_TRY_ADVISORY_LOCK(42)",
            "SELECT * INTO TEMP leftover FROM jobs",
            "SELECT * INTO temporary leftover FROM jobs",
            "LISTEN mastery_jobs",
            "PREPARE p AS SELECT 1",
            "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
            "",
        ]
    )
    func dirty(sql: String) {
        #expect(!PostgresPooledConnection.leavesSessionClean(sql))
    }
}

/// PostgresNIO (1.33) never answers a statement written to a connection that has just closed; the pooled
/// connection's `query` must fail instead.
@Suite(
    "The pooled connection on a connection that closes",
    .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
)
struct ClosingConnectionTests {
    @Test("a statement after pg_terminate_backend fails at once, ten times out of ten")
    func terminated() async throws {
        try await TestPostgres.withDatabase { url in
            let factory = try PostgresPoolConnectionFactory(
                url: try PostgresURL(url),
                applicationName: "mastery-pool-closing",
                logger: TestPostgres.quietLogger
            )
            let admin = try await factory.makeConnection(id: 0)
            let logger = TestPostgres.quietLogger
            for round in 1...10 {
                let pooled = try await factory.makeConnection(id: round)
                for _ in 0..<50 { try await pooled.query("SELECT 1", logger: logger) }
                try await admin.query("SELECT pg_terminate_backend(\(pooled.backendPID))", logger: logger)
                if round.isMultiple(of: 2) {
                    // Some rounds wait for the channel to notice, so the statement is written to a closed one.
                    let deadline = ContinuousClock.now + .seconds(20)
                    while !pooled.raw.isClosed, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                let started = ContinuousClock.now
                await #expect(throws: (any Error).self) {
                    try await pooled.query("SELECT 1", logger: logger)
                }
                #expect(ContinuousClock.now - started < .seconds(20), "round \(round)")
                await factory.close(pooled)
            }
            await factory.close(admin)
        }
    }
}
