public import Foundation
import PostgresNIO
import Storage

extension PostgresJobStore {
    // MARK: Queues

    public func updateQueue(_ queue: String, paused: Bool?, concurrencyLimit: Int??) async throws -> JobQueueSettings {
        try JobLimits.validateName(queue, what: "queue")
        if case .some(.some(let limit)) = concurrencyLimit, !(1...10_000).contains(limit) {
            throw JobsError(.invalidRequest, "a queue's concurrency limit is between 1 and 10,000")
        }
        let setsLimit = concurrencyLimit != nil
        let limit = concurrencyLimit.flatMap { $0 }.map(Int64.init)
        return try await mapErrors("update a queue") {
            let rows = try await pool.query(
                """
                INSERT INTO job_queues (queue, paused, concurrency_limit)
                VALUES (\(queue), coalesce(\(paused)::boolean, false), \(limit)::int8)
                ON CONFLICT (queue) DO UPDATE SET
                    paused = coalesce(\(paused)::boolean, job_queues.paused),
                    concurrency_limit = CASE WHEN \(setsLimit)::boolean THEN \(limit)::int8
                        ELSE job_queues.concurrency_limit END
                RETURNING paused, concurrency_limit
                """,
                logger: logger
            ).collectRows()
            guard let row = rows.first else { throw JobsError(.storeFailure, "PostgreSQL returned no queue") }
            return JobQueueSettings(
                queue: queue,
                paused: try row[0].decode(Bool.self),
                concurrencyLimit: try row[1].decode(Int?.self)
            )
        }
    }

    public func statistics(at now: Date) async throws -> [JobQueueStatistics] {
        try await mapErrors("read queue statistics") {
            let rows = try await pool.query(
                """
                WITH counts AS (
                    SELECT queue,
                        count(*) FILTER (WHERE state = 'pending' AND run_at <= \(PostgresTime(now))::timestamptz),
                        count(*) FILTER (WHERE state = 'pending' AND run_at > \(PostgresTime(now))::timestamptz),
                        count(*) FILTER (WHERE state = 'running'),
                        count(*) FILTER (WHERE state = 'completed'),
                        count(*) FILTER (WHERE state = 'dead'),
                        count(*) FILTER (WHERE state = 'cancelled'),
                        min(run_at) FILTER (WHERE state = 'pending' AND run_at <= \(PostgresTime(now))::timestamptz)
                    FROM jobs GROUP BY queue
                )
                SELECT coalesce(c.queue, s.queue), c.count, c.count_1, c.count_2, c.count_3, c.count_4, c.count_5,
                    c.min, coalesce(s.paused, false), s.concurrency_limit
                FROM counts AS c(queue, count, count_1, count_2, count_3, count_4, count_5, min)
                FULL JOIN job_queues AS s ON s.queue = c.queue
                ORDER BY coalesce(c.queue, s.queue) COLLATE "C"
                """,
                logger: logger
            ).collectRows()
            return try rows.map { row in
                var statistics = JobQueueStatistics(
                    queue: try row[0].decode(String.self),
                    ready: try row[1].decode(Int?.self) ?? 0,
                    scheduled: try row[2].decode(Int?.self) ?? 0,
                    running: try row[3].decode(Int?.self) ?? 0,
                    dead: try row[5].decode(Int?.self) ?? 0,
                    completed: try row[4].decode(Int?.self) ?? 0,
                    cancelled: try row[6].decode(Int?.self) ?? 0,
                    paused: try row[8].decode(Bool.self),
                    concurrencyLimit: try row[9].decode(Int?.self)
                )
                if let oldest = try row[7].decode(PostgresTime?.self)?.date {
                    statistics.oldestReadyAge = .seconds(now.timeIntervalSince(oldest))
                }
                return statistics
            }
        }
    }

    public func activity(since: Date) async throws -> [JobActivity] {
        try await mapErrors("read activity") {
            let rows = try await pool.query(
                """
                SELECT queue, floor(extract(epoch FROM finished_at) / 60)::int8 AS minute,
                    count(*) FILTER (WHERE state = 'completed'),
                    count(*) FILTER (WHERE state = 'dead'),
                    count(*) FILTER (WHERE state = 'cancelled')
                FROM jobs
                WHERE finished_at >= \(PostgresTime(since))::timestamptz
                    AND state IN ('completed', 'dead', 'cancelled')
                GROUP BY 1, 2 ORDER BY queue COLLATE "C", 2
                """,
                logger: logger
            ).collectRows()
            return try rows.map { row in
                JobActivity(
                    queue: try row[0].decode(String.self),
                    minute: Date(timeIntervalSince1970: TimeInterval(try row[1].decode(Int64.self) * 60)),
                    completed: try row[2].decode(Int.self),
                    dead: try row[3].decode(Int.self),
                    cancelled: try row[4].decode(Int.self)
                )
            }
        }
    }

    // MARK: Worker registry

    public func recordWorker(_ worker: JobWorkerRecord) async throws {
        try await mapErrors("record a worker") {
            try await pool.query(
                """
                INSERT INTO job_workers (id, host, pid, queues, started_at, last_seen_at)
                VALUES (\(worker.id), \(worker.host), \(Int64(worker.pid))::int8, \(worker.queues)::text[],
                    \(PostgresTime(worker.startedAt))::timestamptz, \(PostgresTime(worker.lastSeenAt))::timestamptz)
                ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, queues = excluded.queues,
                    started_at = excluded.started_at, last_seen_at = excluded.last_seen_at
                """,
                logger: logger
            )
        }
    }

    public func removeWorker(_ id: String) async throws {
        try await mapErrors("remove a worker") {
            try await pool.query("DELETE FROM job_workers WHERE id = \(id)", logger: logger)
        }
    }

    public func workers(seenSince: Date) async throws -> [JobWorkerRecord] {
        try await mapErrors("list workers") {
            let rows = try await pool.query(
                """
                WITH gone AS (
                    DELETE FROM job_workers WHERE last_seen_at < \(PostgresTime(seenSince))::timestamptz
                )
                SELECT w.id, w.host, w.pid, w.queues, w.started_at, w.last_seen_at,
                    coalesce(array_agg(j.id ORDER BY j.id) FILTER (WHERE j.id IS NOT NULL), '{}')
                FROM job_workers AS w
                LEFT JOIN jobs AS j ON j.state = 'running' AND j.worker_id = w.id
                WHERE w.last_seen_at >= \(PostgresTime(seenSince))::timestamptz
                GROUP BY w.id ORDER BY w.id COLLATE "C"
                """,
                logger: logger
            ).collectRows()
            return try rows.map { row in
                JobWorkerRecord(
                    id: try row[0].decode(String.self),
                    host: try row[1].decode(String.self),
                    pid: try row[2].decode(Int.self),
                    queues: try row[3].decode([String].self),
                    startedAt: try row[4].decode(PostgresTime.self).date,
                    lastSeenAt: try row[5].decode(PostgresTime.self).date,
                    running: try row[6].decode([Int64].self).map(JobID.init)
                )
            }
        }
    }
}
