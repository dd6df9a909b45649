public import Foundation
import NIOCore
import PostgresNIO
import Storage

extension PostgresJobStore {
    // MARK: Workers

    public func claim(_ request: ClaimRequest, at now: Date) async throws -> [ClaimedJob] {
        try JobLimits.validateName(request.queue, what: "queue")
        guard (1...1_000).contains(request.limit) else {
            throw JobsError(.invalidRequest, "a claim takes 1 to 1,000 jobs")
        }
        let expiresAt = now.addingTimeInterval(request.leaseDuration.seconds)
        return try await mapErrors("claim jobs") {
            var attempt = 1
            while true {
                do {
                    // Unlocked first: one statement, no transaction. It claims nothing from a queue with a global
                    // limit and says so; such a queue is claimed under its advisory lock.
                    let unlocked = try await pool.query(
                        Self.claimQuery(request, at: now, expiresAt: expiresAt, limit: request.limit, locked: false),
                        logger: logger
                    ).collectRows()
                    if let claimed = try Self.claimed(unlocked, expiresAt: expiresAt) { return claimed }
                    return try await pool.withTransaction(label: "jobs", logger: logger) { connection in
                        try await connection.query(
                            "SELECT pg_advisory_xact_lock(hashtextextended('jobs.queue:' || \(request.queue), 0))",
                            logger: logger
                        )
                        // The room left under the limit, counted after the previous claimer committed.
                        let room =
                            try await connection.query(
                                """
                                SELECT CASE WHEN paused THEN 0 WHEN concurrency_limit IS NULL THEN \(Int64(request.limit))::int8
                                    ELSE greatest(0, least(\(Int64(request.limit))::int8, concurrency_limit - (
                                        SELECT count(*) FROM jobs WHERE state = 'running' AND queue = \(request.queue))))
                                    END
                                FROM job_queues WHERE queue = \(request.queue)
                                """,
                                logger: logger
                            ).collectRows().first.map { try $0[0].decode(Int.self) } ?? request.limit
                        guard room > 0 else { return [] }
                        let rows = try await connection.query(
                            Self.claimQuery(request, at: now, expiresAt: expiresAt, limit: room, locked: true),
                            logger: logger
                        ).collectRows()
                        return try Self.claimed(rows, expiresAt: expiresAt) ?? []
                    }
                } catch {
                    // 23505: another claimer made a job with one of ours' concurrency key running first (it
                    // committed: the next try sees it). 40P01: two claims crossed on two keys.
                    let state = Self.sqlState(error)
                    guard attempt < Self.claimAttempts, state == "23505" || state == "40P01" else { throw error }
                    attempt += 1
                }
            }
        }
    }

    /// The claimed jobs of a claim statement's rows, or nil when the queue has a global limit and the statement
    /// ran unlocked (it claimed nothing).
    static func claimed(_ rows: [PostgresRandomAccessRow], expiresAt: Date) throws -> [ClaimedJob]? {
        var claimed: [ClaimedJob] = []
        for row in rows {
            if try row[0].decode(Bool.self) { return nil }
            guard try row[1].decode(Int64?.self) != nil else { continue }
            let job = try decodeJob(row, from: 1)
            let lease = JobLease(jobID: job.id, token: job.claims, attempt: job.attempt, expiresAt: expiresAt)
            claimed.append(ClaimedJob(job: JobRecord(copying: job, leaseExpiresAt: expiresAt), lease: lease))
        }
        return claimed
    }

    /// The claim: pick (skip locked), mark running, insert the attempts, return the jobs. Its first column says
    /// "needs the lock" (a limited queue, unlocked); a `LEFT JOIN` makes sure a row always comes back.
    ///
    /// A keyed job is eligible only if no running job holds its key and no ready job of its queue with the same
    /// key comes before it in claim order: so a claim takes at most one job per key, and two claimers of one queue
    /// never take two jobs of one key (the second sees the first's job as pending-before-it, or as running).
    static func claimQuery(
        _ request: ClaimRequest,
        at now: Date,
        expiresAt: Date,
        limit: Int,
        locked: Bool
    ) -> PostgresQuery {
        let queue = request.queue
        let limit = Int64(limit)
        let worker = request.workerID
        let now = PostgresTime(now)
        let expires = PostgresTime(expiresAt)
        // The limit is a bound constant, not a subquery: the planner then expects `limit` rows, not a tenth of
        // the table (which made it cost the statement high enough for JIT compilation, 50-80 ms per claim).
        return """
            WITH picked AS (
                SELECT j.id FROM jobs AS j
                WHERE j.state = 'pending' AND j.queue = \(queue) AND j.run_at <= \(now)::timestamptz
                    AND (j.concurrency_key IS NULL OR (
                        NOT EXISTS (
                            SELECT 1 FROM jobs AS r
                            WHERE r.state = 'running' AND r.concurrency_key = j.concurrency_key)
                        AND NOT EXISTS (
                            SELECT 1 FROM jobs AS e
                            WHERE e.state = 'pending' AND e.queue = j.queue AND e.concurrency_key = j.concurrency_key
                                AND e.run_at <= \(now)::timestamptz
                                AND (e.priority > j.priority OR (e.priority = j.priority
                                    AND (e.run_at < j.run_at OR (e.run_at = j.run_at AND e.id < j.id)))))))
                    AND NOT EXISTS (
                        SELECT 1 FROM job_queues AS s WHERE s.queue = \(queue)
                            AND (s.paused OR (s.concurrency_limit IS NOT NULL AND NOT \(locked)::boolean)))
                ORDER BY j.priority DESC, j.run_at, j.id
                LIMIT \(limit)::int8
                FOR UPDATE OF j SKIP LOCKED
            ),
            claimed AS (
                UPDATE jobs AS j
                SET state = 'running', attempt = j.attempt + 1, claims = j.claims + 1, worker_id = \(worker),
                    lease_expires_at = \(expires)::timestamptz, started_at = \(now)::timestamptz
                WHERE j.id = ANY (ARRAY(SELECT id FROM picked))
                RETURNING \(unescaped: jobColumns("j"))
            )
            SELECT (
                    SELECT NOT \(locked)::boolean AND coalesce(bool_or(NOT paused AND concurrency_limit IS NOT NULL), false)
                    FROM job_queues WHERE queue = \(queue)
                ), \(unescaped: jobColumns("claimed"))
            FROM (SELECT 1) AS one LEFT JOIN claimed ON true
            ORDER BY claimed.priority DESC, claimed.run_at, claimed.id
            """
    }

    public func extend(_ leases: [JobLease], by duration: Duration, at now: Date) async throws -> [LeaseStatus] {
        guard !leases.isEmpty else { return [] }
        let expiresAt = now.addingTimeInterval(duration.seconds)
        let ids = leases.map(\.jobID.rawValue)
        let tokens = leases.map { Int64($0.token) }
        let rows = try await mapErrors("extend leases") {
            try await pool.query(
                """
                UPDATE jobs AS j SET lease_expires_at = \(PostgresTime(expiresAt))::timestamptz
                FROM unnest(\(ids)::int8[], \(tokens)::int8[]) WITH ORDINALITY AS l(id, token, ord)
                WHERE j.id = l.id AND j.state = 'running' AND j.claims = l.token
                    AND j.lease_expires_at >= \(PostgresTime(now))::timestamptz
                RETURNING l.ord, j.cancel_requested
                """,
                logger: logger
            ).collectRows()
        }
        var statuses = [LeaseStatus](repeating: .lost, count: leases.count)
        for row in rows {
            let ord = try row[0].decode(Int.self)
            statuses[ord - 1] = .held(expiresAt: expiresAt, cancelRequested: try row[1].decode(Bool.self))
        }
        return statuses
    }

    public func finish(_ finishes: [JobFinish], at now: Date) async throws -> [Bool] {
        guard !finishes.isEmpty else { return [] }
        var ids: [Int64] = []
        var tokens: [Int64] = []
        var states: [String] = []
        var runAts: [PostgresTime] = []
        var results: [ByteBuffer] = []
        var hasResults: [Bool] = []
        var errors: [String] = []
        var hasErrors: [Bool] = []
        var outcomes: [String] = []
        for finish in finishes {
            ids.append(finish.lease.jobID.rawValue)
            tokens.append(Int64(finish.lease.token))
            var runAt = now
            var result: Data?
            var error: String?
            let state: JobState
            let outcome: JobAttempt.Outcome
            switch finish.outcome {
            case .completed(let data):
                state = .completed
                result = data
                outcome = .succeeded
            case .retry(let at, let message, let attemptOutcome):
                state = .pending
                runAt = at
                error = JobLimits.truncatedError(message)
                outcome = attemptOutcome
            case .dead(let message, let attemptOutcome):
                state = .dead
                error = JobLimits.truncatedError(message)
                outcome = attemptOutcome
            case .cancelled(let message):
                state = .cancelled
                error = message.map(JobLimits.truncatedError)
                outcome = .cancelled
            case .released:
                state = .pending
                outcome = .released
            }
            states.append(state == .pending && outcome == .released ? "released" : state.rawValue)
            runAts.append(PostgresTime(runAt))
            results.append(ByteBuffer(bytes: result ?? Data()))
            hasResults.append(result != nil)
            errors.append(error ?? "")
            hasErrors.append(error != nil)
            outcomes.append(outcome.rawValue)
        }
        let rows = try await mapErrors("finish jobs") {
            try await pool.query(
                Self.finishQuery(
                    ids: ids,
                    tokens: tokens,
                    states: states,
                    runAts: runAts,
                    results: results,
                    hasResults: hasResults,
                    errors: errors,
                    hasErrors: hasErrors,
                    outcomes: outcomes,
                    now: now
                ),
                logger: logger
            ).collectRows()
        }
        var done = [Bool](repeating: false, count: finishes.count)
        var released: [String] = []
        for row in rows {
            let ord = try row[0].decode(Int.self)
            done[ord - 1] = true
            let queue = try row[1].decode(String.self)
            if states[ord - 1] == "released", !released.contains(queue) { released.append(queue) }
        }
        if let signal, !released.isEmpty { await signal.signal(released) }
        return done
    }

    /// One statement for a batch of finishes: the fenced update of the jobs, then the history rows of the attempts
    /// that did not succeed. `action` is the new state, or `released` (pending again, the attempt not counted).
    ///
    /// A completed job's last attempt is its own row (`claims`, `attempt`, `last_worker_id`, `started_at`,
    /// `finished_at`): the hot path writes one row per claim and per finish, nothing in `job_attempts`.
    static func finishQuery(
        ids: [Int64],
        tokens: [Int64],
        states: [String],
        runAts: [PostgresTime],
        results: [ByteBuffer],
        hasResults: [Bool],
        errors: [String],
        hasErrors: [Bool],
        outcomes: [String],
        now: Date
    ) -> PostgresQuery {
        let now = PostgresTime(now)
        return """
            WITH f AS (
                SELECT * FROM unnest(
                    \(ids)::int8[], \(tokens)::int8[], \(states)::text[], \(runAts)::timestamptz[],
                    \(results)::bytea[], \(hasResults)::bool[], \(errors)::text[], \(hasErrors)::bool[],
                    \(outcomes)::text[]
                ) WITH ORDINALITY AS f(id, token, action, run_at, result, has_result, error, has_error, outcome, ord)
            ),
            finished AS (
                UPDATE jobs AS j SET
                    state = CASE f.action WHEN 'released' THEN 'pending' ELSE f.action END,
                    run_at = CASE WHEN f.action IN ('pending', 'released') THEN f.run_at ELSE j.run_at END,
                    attempt = CASE f.action WHEN 'released' THEN j.attempt - 1 ELSE j.attempt END,
                    result = CASE f.action
                        WHEN 'completed' THEN CASE WHEN f.has_result THEN f.result END ELSE j.result END,
                    last_error = CASE WHEN f.has_error THEN f.error ELSE j.last_error END,
                    finished_at = CASE WHEN f.action IN ('completed', 'dead', 'cancelled') THEN \(now)::timestamptz
                        ELSE j.finished_at END,
                    last_worker_id = j.worker_id, worker_id = NULL, lease_expires_at = NULL, cancel_requested = false
                FROM f
                WHERE j.id = f.id AND j.state = 'running' AND j.claims = f.token
                    AND j.lease_expires_at >= \(now)::timestamptz
                RETURNING f.ord, j.queue, j.id, f.token, f.action, f.outcome,
                    CASE f.action WHEN 'released' THEN j.attempt + 1 ELSE j.attempt END AS attempt,
                    j.last_worker_id, j.started_at, CASE WHEN f.has_error THEN f.error END AS error
            ),
            history AS (
                INSERT INTO job_attempts AS a (job_id, claim, attempt, worker_id, started_at, finished_at, outcome, error)
                SELECT id, token, attempt, coalesce(last_worker_id, 'unknown'),
                    coalesce(started_at, \(now)::timestamptz), \(now)::timestamptz, outcome, error
                FROM finished WHERE action <> 'completed'
                ON CONFLICT (job_id, claim) DO UPDATE SET finished_at = excluded.finished_at,
                    outcome = excluded.outcome, error = excluded.error
            )
            SELECT ord, queue FROM finished
            """
    }

    public func rescueExpiredLeases(at now: Date) async throws -> Int {
        let now = PostgresTime(now)
        return try await mapErrors("rescue expired leases") {
            let rows = try await pool.query(
                """
                WITH expired AS (
                    SELECT id, claims, attempt, coalesce(worker_id, 'unknown') AS worker_id,
                        coalesce(started_at, \(now)::timestamptz) AS started_at,
                        'the worker''s lease expired (worker ' || coalesce(worker_id, 'unknown') || ')' AS message
                    FROM jobs WHERE state = 'running' AND lease_expires_at < \(now)::timestamptz
                    FOR UPDATE SKIP LOCKED
                ),
                moved AS (
                    UPDATE jobs AS j SET
                        state = CASE WHEN j.cancel_requested THEN 'cancelled'
                            WHEN j.attempt >= j.max_attempts THEN 'dead' ELSE 'pending' END,
                        finished_at = CASE WHEN j.cancel_requested OR j.attempt >= j.max_attempts
                            THEN \(now)::timestamptz ELSE j.finished_at END,
                        run_at = CASE WHEN j.cancel_requested OR j.attempt >= j.max_attempts THEN j.run_at
                            ELSE \(now)::timestamptz END,
                        last_error = CASE WHEN j.cancel_requested THEN j.last_error ELSE expired.message END,
                        cancel_requested = false, worker_id = NULL, lease_expires_at = NULL
                    FROM expired
                    WHERE j.id = expired.id AND j.state = 'running' AND j.claims = expired.claims
                    RETURNING j.id, expired.claims, expired.attempt, expired.worker_id, expired.started_at,
                        expired.message
                ),
                history AS (
                    INSERT INTO job_attempts AS a
                        (job_id, claim, attempt, worker_id, started_at, finished_at, outcome, error)
                    SELECT id, claims, attempt, worker_id, started_at, \(now)::timestamptz, 'leaseExpired', message
                    FROM moved
                    ON CONFLICT (job_id, claim) DO UPDATE SET finished_at = excluded.finished_at,
                        outcome = excluded.outcome, error = excluded.error
                )
                SELECT count(*) FROM moved
                """,
                logger: logger
            ).collectRows()
            return try rows.first?[0].decode(Int.self) ?? 0
        }
    }
}

extension JobRecord {
    /// The record with the lease expiry the caller computed (the database keeps microseconds).
    init(copying job: JobRecord, leaseExpiresAt: Date) {
        self = job
        self.leaseExpiresAt = leaseExpiresAt
    }
}
