public import Foundation
import GRDB

extension SQLiteJobStore {
    // MARK: Operators

    public func cancel(_ id: JobID, at now: Date) async throws -> JobRecord {
        try await write("cancel the job") { db in
            guard var job = try Self.fetchJob(db, id) else { throw JobsError(.unknownJob, "no job has the ID \(id)") }
            switch job.state {
            case .pending:
                job.state = .cancelled
                job.finishedAt = now
                try db.execute(
                    sql: "UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?",
                    arguments: [now.sqliteMicroseconds, id.rawValue]
                )
            case .running:
                job.cancelRequested = true
                try db.execute(sql: "UPDATE jobs SET cancel_requested = 1 WHERE id = ?", arguments: [id.rawValue])
            case .completed, .dead, .cancelled:
                break
            }
            return job
        }
    }

    public func job(_ id: JobID) async throws -> JobDetail? {
        try await read("read the job") { db in
            guard let job = try Self.fetchJob(db, id) else { return nil }
            let attempts = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT claim, attempt, worker_id, started_at, finished_at, outcome, error FROM job_attempts \
                        WHERE job_id = ? ORDER BY claim
                        """
                ),
                arguments: [id.rawValue]
            ).map(Self.attempt)
            return JobDetail(job: job, attempts: attempts)
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> [JobRecord] {
        try filter.validate()
        return try await read("list the jobs") { db in
            try Self.matching(db, filter, columns: Self.jobColumns).map(Self.record)
        }
    }

    public func replay(_ selection: JobSelection, at now: Date) async throws -> [JobID] {
        try selection.validate()
        let now = now.sqliteMicroseconds
        return try await write("replay the jobs") { db in
            let update = try db.cachedStatement(
                sql: """
                    UPDATE jobs SET state = 'pending', run_at = ?, attempt = 0, last_error = NULL, finished_at = NULL \
                    WHERE id = ? AND state = 'dead'
                    """
            )
            var replayed: [JobID] = []
            for row in try Self.dead(db, selection) {
                let id: Int64 = try row.decode(atIndex: 0)
                let key: String? = try row.decode(atIndex: 1)
                if let key, try Self.holder(db, uniqueKey: key, at: now) != nil { continue }
                try update.execute(arguments: [now, id])
                if db.changesCount == 1 { replayed.append(JobID(id)) }
            }
            return replayed
        }
    }

    public func purge(_ selection: JobSelection) async throws -> Int {
        try selection.validate()
        return try await write("purge the jobs") { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM jobs WHERE id = ? AND state = 'dead'")
            var deleted = 0
            for row in try Self.dead(db, selection) {
                try delete.execute(arguments: [try row.decode(Int64.self, atIndex: 0)])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    public func prune(finishedBefore: Date, deadBefore: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        let finished = finishedBefore.sqliteMicroseconds
        let dead = deadBefore.sqliteMicroseconds
        return try await write("prune the jobs") { db in
            try db.execute(
                sql: Query.prune,
                arguments: [max(finished, dead), finished, dead, limit]
            )
            return db.changesCount
        }
    }

    // MARK: Queues

    public func updateQueue(_ queue: String, paused: Bool?, concurrencyLimit: Int??) async throws -> JobQueueSettings {
        try JobLimits.validateName(queue, what: "queue")
        if case .some(.some(let limit)) = concurrencyLimit, !(1...10_000).contains(limit) {
            throw JobsError(.invalidRequest, "a queue's concurrency limit is between 1 and 10,000")
        }
        return try await write("change the queue") { db in
            var settings = try Self.queueSettings(db, queue) ?? JobQueueSettings(queue: queue)
            if let paused { settings.paused = paused }
            if let concurrencyLimit { settings.concurrencyLimit = concurrencyLimit }
            try db.execute(
                sql: """
                    INSERT INTO job_queues (queue, paused, concurrency_limit) VALUES (?, ?, ?) \
                    ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused, \
                    concurrency_limit = excluded.concurrency_limit
                    """,
                arguments: [queue, settings.paused, settings.concurrencyLimit]
            )
            return settings
        }
    }

    public func statistics(at now: Date) async throws -> [JobQueueStatistics] {
        let nowMicroseconds = now.sqliteMicroseconds
        return try await read("read the statistics") { db in
            var statistics: [String: JobQueueStatistics] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT queue, paused, concurrency_limit FROM job_queues") {
                let queue: String = try row.decode(atIndex: 0)
                statistics[queue] = JobQueueStatistics(
                    queue: queue,
                    paused: try row.decode(atIndex: 1),
                    concurrencyLimit: try row.decode(atIndex: 2)
                )
            }
            let counts = try Row.fetchAll(
                db,
                sql: Query.statistics,
                arguments: [nowMicroseconds]
            )
            for row in counts {
                let queue: String = try row.decode(atIndex: 0)
                let stateName: String = try row.decode(atIndex: 1)
                let count: Int = try row.decode(atIndex: 2)
                var entry = statistics[queue] ?? JobQueueStatistics(queue: queue)
                switch JobState(rawValue: stateName) {
                case .pending:
                    let ready: Int = try row.decode(atIndex: 3)
                    entry.ready += ready
                    entry.scheduled += count - ready
                    if let oldest: Int64 = try row.decode(atIndex: 4) {
                        entry.oldestReadyAge = .seconds(now.timeIntervalSince(Date(sqliteMicroseconds: oldest)))
                    }
                case .running: entry.running += count
                case .completed: entry.completed += count
                case .dead: entry.dead += count
                case .cancelled: entry.cancelled += count
                case nil: throw JobsError(.storeFailure, "the job store holds a job in an unknown state")
                }
                statistics[queue] = entry
            }
            return statistics.values.sorted { $0.queue < $1.queue }
        }
    }

    public func activity(since: Date) async throws -> [JobActivity] {
        let since = since.sqliteMicroseconds
        return try await read("read the activity") { db in
            let rows = try Row.fetchAll(
                db,
                sql: Query.activity,
                arguments: [since]
            )
            var buckets: [String: JobActivity] = [:]
            for row in rows {
                let queue: String = try row.decode(atIndex: 0)
                let minute: Int64 = try row.decode(atIndex: 1)
                let stateName: String = try row.decode(atIndex: 2)
                let count: Int = try row.decode(atIndex: 3)
                let key = "\(queue)\u{0}\(minute)"
                var bucket =
                    buckets[key] ?? JobActivity(queue: queue, minute: Date(timeIntervalSince1970: Double(minute) * 60))
                switch JobState(rawValue: stateName) {
                case .completed: bucket.completed += count
                case .dead: bucket.dead += count
                case .cancelled: bucket.cancelled += count
                case .pending, .running, nil: break
                }
                buckets[key] = bucket
            }
            return buckets.values.sorted { ($0.queue, $0.minute) < ($1.queue, $1.minute) }
        }
    }

    // MARK: Worker registry

    public func recordWorker(_ worker: JobWorkerRecord) async throws {
        let queues = String(decoding: try JSONEncoder().encode(worker.queues), as: UTF8.self)
        try await write("record the worker") { db in
            try db.execute(
                sql: """
                    INSERT INTO job_workers (id, host, pid, queues, started_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?) \
                    ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, queues = excluded.queues, \
                    started_at = excluded.started_at, last_seen_at = excluded.last_seen_at
                    """,
                arguments: [
                    worker.id, worker.host, worker.pid, queues, worker.startedAt.sqliteMicroseconds,
                    worker.lastSeenAt.sqliteMicroseconds,
                ]
            )
        }
    }

    public func removeWorker(_ id: String) async throws {
        try await write("remove the worker") { db in
            try db.execute(sql: "DELETE FROM job_workers WHERE id = ?", arguments: [id])
        }
    }

    public func workers(seenSince: Date) async throws -> [JobWorkerRecord] {
        let seenSince = seenSince.sqliteMicroseconds
        return try await write("list the workers") { db in
            try db.execute(sql: "DELETE FROM job_workers WHERE last_seen_at < ?", arguments: [seenSince])
            var running: [String: [JobID]] = [:]
            let held = try Row.fetchAll(db, sql: Query.runningByWorker)
            for row in held {
                running[try row.decode(String.self, atIndex: 0), default: []].append(
                    JobID(try row.decode(Int64.self, atIndex: 1))
                )
            }
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, host, pid, queues, started_at, last_seen_at FROM job_workers ORDER BY id"
            )
            return try rows.map { row -> JobWorkerRecord in
                let id: String = try row.decode(atIndex: 0)
                let queues: String = try row.decode(atIndex: 3)
                guard let names = try? JSONDecoder().decode([String].self, from: Data(queues.utf8)) else {
                    throw JobsError(.storeFailure, "the job store holds a worker record it cannot read")
                }
                return JobWorkerRecord(
                    id: id,
                    host: try row.decode(atIndex: 1),
                    pid: try row.decode(atIndex: 2),
                    queues: names,
                    startedAt: Date(sqliteMicroseconds: try row.decode(atIndex: 4)),
                    lastSeenAt: Date(sqliteMicroseconds: try row.decode(atIndex: 5)),
                    running: (running[id] ?? []).sorted()
                )
            }
        }
    }

    // MARK: Selections

    /// Rows of `columns` of the jobs matching a filter, newest first.
    static func matching(_ db: Database, _ filter: JobFilter, columns: String) throws -> [Row] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let state = filter.state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let queue = filter.queue {
            conditions.append("queue = ?")
            arguments += [queue]
        }
        if let kind = filter.kind {
            conditions.append("kind = ?")
            arguments += [kind]
        }
        if let before = filter.before {
            conditions.append("id < ?")
            arguments += [before.rawValue]
        }
        arguments += [filter.limit]
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(columns) FROM jobs \(condition) ORDER BY id DESC LIMIT ?"),
            arguments: arguments
        )
    }

    /// The ID and unique key of each dead job a selection names, in its order (newest first for a filter).
    static func dead(_ db: Database, _ selection: JobSelection) throws -> [Row] {
        switch selection {
        case .ids(let ids):
            let statement = try db.cachedStatement(
                sql: "SELECT id, unique_key FROM jobs WHERE id = ? AND state = 'dead'"
            )
            var seen: Set<JobID> = []
            return try ids.compactMap { id -> Row? in
                guard seen.insert(id).inserted else { return nil }
                return try Row.fetchOne(statement, arguments: [id.rawValue])
            }
        case .matching(var filter):
            filter.state = .dead
            return try matching(db, filter, columns: "id, unique_key")
        }
    }
}
