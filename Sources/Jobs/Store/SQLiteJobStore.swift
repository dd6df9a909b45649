public import Foundation
import GRDB
public import Storage

/// Jobs in the embedded SQLite database: the default store of `mastery serve`, with ``JobStore``'s semantics.
///
/// Every call that changes jobs is one write transaction (GRDB's `BEGIN IMMEDIATE`), so SQLite serialises it with
/// every other writer: several processes sharing the file (each waiting up to its busy timeout for the lock) never
/// claim one job twice, exceed a concurrency limit, or store two holders of a unique key. Reads use WAL snapshots
/// and never wait for writers.
///
/// ```swift
/// let storage = try SQLiteStorage(path: "data/mastery.sqlite")
/// try await storage.migrate([SQLiteJobStore.migrations], logger: logger)
/// let store = SQLiteJobStore(storage: storage)
/// ```
public struct SQLiteJobStore: JobStore {
    let storage: SQLiteStorage

    /// A store on a database with ``migrations`` applied.
    public init(storage: SQLiteStorage) {
        self.storage = storage
    }

    // MARK: Producers

    public func enqueue(_ jobs: [NewJob], at now: Date) async throws -> [EnqueueOutcome] {
        for job in jobs { try job.validate() }
        guard !jobs.isEmpty else { return [] }
        let now = now.sqliteMicroseconds
        return try await write("store the jobs") { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO jobs (kind, queue, payload, priority, state, created_at, run_at, attempt, \
                    max_attempts, claims, unique_key, unique_for, concurrency_key, timeout) \
                    VALUES (?, ?, COALESCE(?, zeroblob(0)), ?, 'pending', ?, ?, 0, ?, 0, ?, ?, ?, ?)
                    """
            )
            var outcomes: [EnqueueOutcome] = []
            outcomes.reserveCapacity(jobs.count)
            for job in jobs {
                if let key = job.uniqueKey, let holder = try Self.holder(db, uniqueKey: key, at: now) {
                    outcomes.append(.duplicate(of: holder))
                    continue
                }
                try insert.execute(arguments: [
                    job.kind, job.queue, job.payload, job.priority, now, job.runAt.sqliteMicroseconds,
                    job.maxAttempts, job.uniqueKey, job.uniqueFor?.sqliteMicroseconds, job.concurrencyKey,
                    job.timeout.sqliteMicroseconds,
                ])
                outcomes.append(.enqueued(JobID(db.lastInsertedRowID)))
            }
            return outcomes
        }
    }

    // MARK: Workers

    public func claim(_ request: ClaimRequest, at now: Date) async throws -> [ClaimedJob] {
        try JobLimits.validateName(request.queue, what: "queue")
        guard (1...1_000).contains(request.limit) else {
            throw JobsError(.invalidRequest, "a claim takes 1 to 1,000 jobs")
        }
        let expiresAt = now.addingTimeInterval(request.leaseDuration.seconds)
        let nowMicroseconds = now.sqliteMicroseconds
        return try await write("claim jobs") { db in
            let settings = try Self.queueSettings(db, request.queue)
            if settings?.paused == true { return [] }
            var limit = request.limit
            if let global = settings?.concurrencyLimit {
                let running = try Int.fetchOne(
                    db.cachedStatement(sql: Query.runningInQueue),
                    arguments: [request.queue]
                )
                limit = min(limit, global - (running ?? 0))
            }
            guard limit > 0 else { return [] }
            let chosen = try Self.readyJobs(db, queue: request.queue, at: nowMicroseconds, limit: limit)
            let update = try db.cachedStatement(
                sql: """
                    UPDATE jobs SET state = 'running', attempt = attempt + 1, claims = claims + 1, worker_id = ?, \
                    lease_expires_at = ? WHERE id = ? AND state = 'pending' RETURNING \(Self.jobColumns)
                    """
            )
            let history = try db.cachedStatement(
                sql: """
                    INSERT INTO job_attempts (job_id, claim, attempt, worker_id, started_at, outcome) \
                    VALUES (?, ?, ?, ?, ?, 'running')
                    """
            )
            var claimed: [ClaimedJob] = []
            claimed.reserveCapacity(chosen.count)
            for id in chosen {
                let arguments: StatementArguments = [request.workerID, expiresAt.sqliteMicroseconds, id]
                guard let row = try Row.fetchOne(update, arguments: arguments) else { continue }
                var job = try Self.record(row)
                job.leaseExpiresAt = expiresAt
                try history.execute(arguments: [id, job.claims, job.attempt, request.workerID, nowMicroseconds])
                claimed.append(
                    ClaimedJob(
                        job: job,
                        lease: JobLease(jobID: job.id, token: job.claims, attempt: job.attempt, expiresAt: expiresAt)
                    )
                )
            }
            return claimed
        }
    }

    /// The IDs of up to `limit` ready jobs of a queue in claim order, skipping jobs whose concurrency key a
    /// running job holds and taking at most one job per key.
    private static func readyJobs(_ db: Database, queue: String, at now: Int64, limit: Int) throws -> [Int64] {
        let candidates = try Row.fetchCursor(
            db.cachedStatement(sql: Query.readyJobs),
            arguments: [queue, now]
        )
        var heldKeys: Set<String>?
        var chosen: [Int64] = []
        while chosen.count < limit, let row = try candidates.next() {
            let key: String? = try row.decode(atIndex: 1)
            if let key {
                var held = try heldKeys ?? Self.runningConcurrencyKeys(db)
                let (inserted, _) = held.insert(key)
                heldKeys = held
                guard inserted else { continue }
            }
            chosen.append(try row.decode(atIndex: 0))
        }
        return chosen
    }

    /// The concurrency keys running jobs hold, on every queue.
    private static func runningConcurrencyKeys(_ db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db.cachedStatement(sql: Query.runningKeys)
            )
        )
    }

    public func extend(_ leases: [JobLease], by duration: Duration, at now: Date) async throws -> [LeaseStatus] {
        guard !leases.isEmpty else { return [] }
        let expiresAt = now.addingTimeInterval(duration.seconds)
        let now = now.sqliteMicroseconds
        return try await write("extend the leases") { db in
            let update = try db.cachedStatement(
                sql: """
                    UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = 'running' AND claims = ? \
                    AND lease_expires_at >= ? RETURNING cancel_requested
                    """
            )
            return try leases.map { lease -> LeaseStatus in
                let arguments: StatementArguments = [
                    expiresAt.sqliteMicroseconds, lease.jobID.rawValue, lease.token, now,
                ]
                guard let cancelRequested = try Bool.fetchOne(update, arguments: arguments) else { return .lost }
                return .held(expiresAt: expiresAt, cancelRequested: cancelRequested)
            }
        }
    }

    public func finish(_ finishes: [JobFinish], at now: Date) async throws -> [Bool] {
        guard !finishes.isEmpty else { return [] }
        let now = now.sqliteMicroseconds
        return try await write("finish the jobs") { db in
            try finishes.map { finish in try Self.finish(db, finish, at: now) }
        }
    }

    public func rescueExpiredLeases(at now: Date) async throws -> Int {
        let now = now.sqliteMicroseconds
        return try await write("rescue expired leases") { db in
            let expired = try Row.fetchAll(
                db.cachedStatement(sql: Query.expiredLeases),
                arguments: [now]
            )
            for row in expired {
                let id: Int64 = try row.decode(atIndex: 0)
                let attempt: Int = try row.decode(atIndex: 2)
                let maxAttempts: Int = try row.decode(atIndex: 3)
                let cancelRequested: Bool = try row.decode(atIndex: 4)
                let worker: String? = try row.decode(atIndex: 5)
                let message = "the worker's lease expired (worker \(worker ?? "unknown"))"
                let sql: String
                let arguments: StatementArguments
                if cancelRequested {
                    sql = "state = 'cancelled', finished_at = ?"
                    arguments = [now, id]
                } else if attempt >= maxAttempts {
                    sql = "state = 'dead', finished_at = ?, last_error = ?"
                    arguments = [now, message, id]
                } else {
                    sql = "state = 'pending', run_at = ?, last_error = ?"
                    arguments = [now, message, id]
                }
                try db.cachedStatement(
                    sql: "UPDATE jobs SET " + sql
                        + ", cancel_requested = 0, worker_id = NULL, lease_expires_at = NULL WHERE id = ?"
                ).execute(arguments: arguments)
                try Self.finishAttempt(
                    db,
                    of: id,
                    claim: try row.decode(atIndex: 1),
                    at: now,
                    outcome: .leaseExpired,
                    error: message
                )
            }
            return expired.count
        }
    }

    /// Applies one finish if its lease still holds the job at `now`.
    private static func finish(_ db: Database, _ finish: JobFinish, at now: Int64) throws -> Bool {
        let changes: String
        var arguments: StatementArguments
        let outcome: JobAttempt.Outcome
        var error: String?
        switch finish.outcome {
        case .completed(let result):
            changes = "state = 'completed', result = IIF(?, zeroblob(0), ?), finished_at = ?"
            arguments = [result?.isEmpty == true, result, now]
            outcome = .succeeded
        case .retry(let at, let message, let attemptOutcome):
            error = JobLimits.truncatedError(message)
            changes = "state = 'pending', run_at = ?, last_error = ?"
            arguments = [at.sqliteMicroseconds, error]
            outcome = attemptOutcome
        case .dead(let message, let attemptOutcome):
            error = JobLimits.truncatedError(message)
            changes = "state = 'dead', last_error = ?, finished_at = ?"
            arguments = [error, now]
            outcome = attemptOutcome
        case .cancelled(let message):
            error = message.map(JobLimits.truncatedError)
            changes = "state = 'cancelled', finished_at = ?, last_error = COALESCE(?, last_error)"
            arguments = [now, error]
            outcome = .cancelled
        case .released:
            changes = "state = 'pending', run_at = ?, attempt = attempt - 1"
            arguments = [now]
            outcome = .released
        }
        arguments += [finish.lease.jobID.rawValue, finish.lease.token, now]
        try db.cachedStatement(
            sql: "UPDATE jobs SET " + changes
                + ", worker_id = NULL, lease_expires_at = NULL, cancel_requested = 0 "
                + "WHERE id = ? AND state = 'running' AND claims = ? AND lease_expires_at >= ?"
        ).execute(arguments: arguments)
        guard db.changesCount == 1 else { return false }
        try finishAttempt(
            db,
            of: finish.lease.jobID.rawValue,
            claim: finish.lease.token,
            at: now,
            outcome: outcome,
            error: error
        )
        return true
    }

    /// Ends a claim's entry in the history.
    private static func finishAttempt(
        _ db: Database,
        of id: Int64,
        claim: Int,
        at now: Int64,
        outcome: JobAttempt.Outcome,
        error: String?
    ) throws {
        try db.cachedStatement(
            sql: "UPDATE job_attempts SET finished_at = ?, outcome = ?, error = ? WHERE job_id = ? AND claim = ?"
        ).execute(arguments: [now, outcome.rawValue, error, id, claim])
    }
}
