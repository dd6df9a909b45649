public import Foundation
import PostgresNIO
import Storage

extension PostgresJobStore {
    // MARK: Operators

    public func cancel(_ id: JobID, at now: Date) async throws -> JobRecord {
        let rows = try await mapErrors("cancel a job") {
            try await pool.query(
                """
                WITH changed AS (
                    UPDATE jobs SET
                        state = CASE state WHEN 'pending' THEN 'cancelled' ELSE state END,
                        finished_at = CASE state WHEN 'pending' THEN \(PostgresTime(now))::timestamptz
                            ELSE finished_at END,
                        cancel_requested = cancel_requested OR state = 'running'
                    WHERE id = \(id.rawValue) AND state IN ('pending', 'running')
                    RETURNING \(unescaped: Self.jobColumns)
                )
                SELECT \(unescaped: Self.jobColumns) FROM changed
                UNION ALL
                SELECT \(unescaped: Self.jobColumns) FROM jobs
                WHERE id = \(id.rawValue) AND NOT EXISTS (SELECT 1 FROM changed)
                """,
                logger: logger
            ).collectRows()
        }
        guard let row = rows.first else { throw JobsError(.unknownJob, "no job has the ID \(id)") }
        return try Self.decodeJob(row)
    }

    public func job(_ id: JobID) async throws -> JobDetail? {
        try await mapErrors("read a job") {
            let rows = try await pool.query(
                "SELECT \(unescaped: Self.jobColumns) FROM jobs WHERE id = \(id.rawValue)",
                logger: logger
            ).collectRows()
            guard let row = rows.first else { return nil }
            let job = try Self.decodeJob(row)
            let attempts = try await pool.query(
                """
                SELECT claim, attempt, worker_id, started_at, finished_at, outcome, error FROM job_attempts
                WHERE job_id = \(id.rawValue)
                UNION ALL
                SELECT claims, attempt,
                    coalesce(CASE state WHEN 'running' THEN worker_id ELSE last_worker_id END, 'unknown'), started_at,
                    CASE state WHEN 'completed' THEN finished_at END,
                    CASE state WHEN 'running' THEN 'running' ELSE 'succeeded' END, NULL
                FROM jobs
                WHERE id = \(id.rawValue) AND state IN ('running', 'completed') AND started_at IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM job_attempts WHERE job_id = \(id.rawValue) AND claim = jobs.claims)
                ORDER BY claim
                """,
                logger: logger
            ).collectRows().map { row in
                let outcomeName = try row[5].decode(String.self)
                guard let outcome = JobAttempt.Outcome(rawValue: outcomeName) else {
                    throw JobsError(.storeFailure, "the database holds an unknown attempt outcome \"\(outcomeName)\"")
                }
                return JobAttempt(
                    claim: try row[0].decode(Int.self),
                    attempt: try row[1].decode(Int.self),
                    workerID: try row[2].decode(String.self),
                    startedAt: try row[3].decode(PostgresTime.self).date,
                    finishedAt: try row[4].decode(PostgresTime?.self)?.date,
                    outcome: outcome,
                    error: try row[6].decode(String?.self)
                )
            }
            return JobDetail(job: job, attempts: attempts)
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> [JobRecord] {
        try filter.validate()
        return try await mapErrors("list jobs") {
            try await pool.query(
                Self.filtered(filter, select: "SELECT \(Self.jobColumns) FROM jobs"),
                logger: logger
            ).collectRows().map { try Self.decodeJob($0) }
        }
    }

    /// `select` restricted to a filter's jobs, newest first, at most its limit, with `suffix` after it; the
    /// values are bound (`$1`, `$2`, …).
    static func filtered(_ filter: JobFilter, select: String, suffix: String = "") -> PostgresQuery {
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let state = filter.state {
            binds.append(state.rawValue)
            conditions.append("state = $\(binds.count)")
        }
        if let queue = filter.queue {
            binds.append(queue)
            conditions.append("queue = $\(binds.count)")
        }
        if let kind = filter.kind {
            binds.append(kind)
            conditions.append("kind = $\(binds.count)")
        }
        if let before = filter.before {
            binds.append(before.rawValue)
            conditions.append("id < $\(binds.count)")
        }
        binds.append(Int64(filter.limit))
        let condition = conditions.isEmpty ? "true" : conditions.joined(separator: " AND ")
        return PostgresQuery(
            unsafeSQL: "\(select) WHERE \(condition) ORDER BY id DESC LIMIT $\(binds.count)\(suffix)",
            binds: binds
        )
    }

    public func replay(_ selection: JobSelection, at now: Date) async throws -> [JobID] {
        try selection.validate()
        let replayed = try await mapErrors("replay jobs") {
            try await pool.withTransaction(label: "jobs", logger: logger) { connection in
                // The dead jobs, locked, in the selection's order; then their unique keys' locks and holders.
                let rows = try await connection.query(Self.deadQuery(selection, suffix: " FOR UPDATE"), logger: logger)
                    .collectRows()
                var candidates: [(id: Int64, key: String?)] = []
                for row in rows {
                    candidates.append((try row[0].decode(Int64.self), try row[1].decode(String?.self)))
                }
                if case .ids(let ids) = selection {
                    let position = Dictionary(ids.enumerated().map { ($1.rawValue, $0) }, uniquingKeysWith: min)
                    candidates.sort { position[$0.id, default: 0] < position[$1.id, default: 0] }
                }
                let keys = Array(Set(candidates.compactMap(\.key)))
                var held = Set<String>()
                if !keys.isEmpty {
                    try await connection.query(
                        """
                        SELECT pg_advisory_xact_lock(h) FROM (
                            SELECT DISTINCT hashtextextended('jobs.unique:' || k, 0) AS h
                            FROM unnest(\(keys)::text[]) AS k ORDER BY 1
                        ) AS locks
                        """,
                        logger: logger
                    )
                    let holders = try await connection.query(
                        """
                        SELECT DISTINCT unique_key FROM jobs
                        WHERE unique_key = ANY(\(keys)::text[])
                            AND (state IN ('pending', 'running')
                                OR (state = 'completed' AND unique_for_ms IS NOT NULL
                                    AND finished_at + unique_for_ms * interval '1 millisecond'
                                        > \(PostgresTime(now))::timestamptz))
                        """,
                        logger: logger
                    ).collectRows()
                    for row in holders { held.insert(try row[0].decode(String.self)) }
                }
                var chosen: [Int64] = []
                for candidate in candidates {
                    if let key = candidate.key {
                        guard !held.contains(key) else { continue }
                        held.insert(key)
                    }
                    chosen.append(candidate.id)
                }
                if !chosen.isEmpty {
                    try await connection.query(
                        """
                        UPDATE jobs SET state = 'pending', run_at = \(PostgresTime(now))::timestamptz, attempt = 0,
                            last_error = NULL, finished_at = NULL
                        WHERE id = ANY(\(chosen)::int8[]) AND state = 'dead'
                        """,
                        logger: logger
                    )
                }
                return chosen.map(JobID.init)
            }
        }
        if let signal, !replayed.isEmpty {
            let queues = try await mapErrors("read replayed jobs' queues") {
                try await pool.query(
                    "SELECT DISTINCT queue FROM jobs WHERE id = ANY(\(replayed.map(\.rawValue))::int8[])",
                    logger: logger
                ).collectRows().map { try $0[0].decode(String.self) }
            }
            await signal.signal(queues)
        }
        return replayed
    }

    /// The dead jobs a selection names (`id, unique_key`), newest first for a filter; `suffix` ends the query.
    static func deadQuery(_ selection: JobSelection, suffix: String = "") -> PostgresQuery {
        switch selection {
        case .ids(let ids):
            let ids = ids.map(\.rawValue)
            return
                "SELECT id, unique_key FROM jobs WHERE id = ANY(\(ids)::int8[]) AND state = 'dead'\(unescaped: suffix)"
        case .matching(var filter):
            filter.state = .dead
            return filtered(filter, select: "SELECT id, unique_key FROM jobs", suffix: suffix)
        }
    }

    public func purge(_ selection: JobSelection) async throws -> Int {
        try selection.validate()
        var query = Self.deadQuery(selection, suffix: " FOR UPDATE")
        query.sql = """
            WITH selected AS (\(query.sql)),
            deleted AS (DELETE FROM jobs WHERE id IN (SELECT id FROM selected) RETURNING id),
            history AS (DELETE FROM job_attempts WHERE job_id IN (SELECT id FROM deleted))
            SELECT count(*) FROM deleted
            """
        return try await mapErrors("purge jobs") {
            let rows = try await pool.query(query, logger: logger).collectRows()
            return try rows.first?[0].decode(Int.self) ?? 0
        }
    }

    public func prune(finishedBefore: Date, deadBefore: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await mapErrors("prune jobs") {
            let rows = try await pool.query(
                """
                WITH deleted AS (
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs
                        WHERE finished_at IS NOT NULL AND (
                            (state IN ('completed', 'cancelled') AND finished_at < \(PostgresTime(finishedBefore))::timestamptz)
                            OR (state = 'dead' AND finished_at < \(PostgresTime(deadBefore))::timestamptz))
                        ORDER BY id LIMIT \(Int64(limit))
                        FOR UPDATE SKIP LOCKED)
                    RETURNING id
                ),
                history AS (DELETE FROM job_attempts WHERE job_id IN (SELECT id FROM deleted))
                SELECT count(*) FROM deleted
                """,
                logger: logger
            ).collectRows()
            return try rows.first?[0].decode(Int.self) ?? 0
        }
    }
}
