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
