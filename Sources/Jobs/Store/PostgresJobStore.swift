public import Foundation
public import Logging
import NIOCore
public import PostgresNIO
public import Storage

/// Jobs in PostgreSQL, for many worker processes on many machines: ``JobStore``'s semantics on the schema of
/// ``migrations``, with the queue patterns of River, Oban and graphile-worker.
///
/// - A claim is one statement: `SELECT … FOR UPDATE SKIP LOCKED LIMIT n` on the partial index of pending jobs,
///   the `UPDATE … RETURNING` that makes them running and the insert of their attempts. Claimers never wait for
///   each other. A queue with a global concurrency limit is claimed in a short transaction that first takes a
///   transaction-level advisory lock on the queue, so each claimer counts the running jobs after the previous one
///   committed (READ COMMITTED would otherwise let two claimers both see room for the last slot).
/// - Concurrency keys: a claim takes a keyed job only when no running job holds its key and it is the first
///   ready job of its key in the queue; so two claimers of one queue never take two jobs of one key. The unique
///   index `jobs_running_concurrency_key` makes a second running job with a key impossible even across queues:
///   the losing claim fails as a whole and is retried (it then sees the winner's running job).
/// - Unique keys: an enqueue holding any takes a transaction-level advisory lock per key (sorted, so two enqueues
///   never deadlock) before it looks for holders, so enqueues racing from several processes store one holder;
///   the unique index `jobs_active_unique_key` is the backstop.
/// - `finish`, `extend` and bulk `enqueue` are one round trip each, whatever their size (arrays bound once,
///   `unnest`ed by the server); every change to a running job is fenced by
///   `state = 'running' AND claims = token AND lease_expires_at >= now`.
/// - Time is the caller's `now`, never the server's `now()`.
///
/// Errors become `JobsError(.storeFailure, …)` with the server's message and SQLSTATE, never SQL or payloads.
public struct PostgresJobStore: JobStore {
    /// The connection pool (run it as a service: `PostgresStorage.run()`).
    public let pool: PostgresPool
    /// Told which queues got ready jobs after each enqueue (and replay, and release) commits.
    public let signal: (any JobSignal)?
    /// The logger for the queries' transactions.
    let logger: Logger

    /// How many times a claim that lost a race on a concurrency key (or a deadlock) is tried again.
    static let claimAttempts = 8

    /// Creates the store.
    /// - Parameters:
    ///   - client: The connection pool; the schema of ``migrations`` must be applied.
    ///   - signal: Told of enqueued ready jobs (a ``PostgresJobSignal`` reaches every process); nil: none.
    ///   - logger: The logger for transactions; nil logs nothing.
    public init(pool: PostgresPool, signal: (any JobSignal)? = nil, logger: Logger? = nil) {
        self.pool = pool
        self.signal = signal
        self.logger = logger ?? Logger(label: "mastery.jobs.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    // MARK: Producers

    public func enqueue(_ jobs: [NewJob], at now: Date) async throws -> [EnqueueOutcome] {
        try Self.validate(jobs)
        guard !jobs.isEmpty else { return [] }
        let outcomes = try await mapErrors("enqueue jobs") {
            if jobs.contains(where: { $0.uniqueKey != nil }) {
                return try await pool.withTransaction(label: "jobs", logger: logger) { connection in
                    try await Self.enqueue(jobs, at: now) { query in
                        try await connection.query(query, logger: logger).collectRows()
                    }
                }
            }
            return try await Self.enqueue(jobs, at: now) { query in
                try await pool.query(query, logger: logger).collectRows()
            }
        }
        await announce(jobs, outcomes: outcomes, at: now)
        return outcomes
    }

    /// Enqueues jobs inside the caller's open transaction: they exist if and only if the caller commits.
    ///
    /// ```swift
    /// try await pool.withTransaction(label: "jobs", logger: logger) { connection in
    ///     try await connection.query("INSERT INTO orders …", logger: logger)
    ///     _ = try await store.enqueue([job], at: clock.now, on: connection)
    /// }
    /// await signal.signal([job.queue])   // after the commit: wakes the workers at once
    /// ```
    ///
    /// It sends no notification itself: a `pg_notify` inside the transaction would be delivered at commit, but
    /// every notifying commit takes PostgreSQL's global notification-queue lock, which serialises concurrent
    /// committers; a ``PostgresJobSignal`` told after the commit coalesces notifications instead. Without one,
    /// workers find the jobs at their next poll.
    ///
    /// The transaction must be READ COMMITTED (PostgreSQL's default): the unique-key locks it takes are held
    /// until the caller's commit or rollback, and holders are looked up after them.
    /// - Throws: `JobsError` (`invalidRequest`, `invalidPayload`, `storeFailure`); the caller should then roll
    ///   back (`withTransaction` does when the error leaves its closure).
    public func enqueue(
        _ jobs: [NewJob],
        at now: Date,
        on connection: PostgresPooledConnection
    ) async throws -> [EnqueueOutcome] {
        try Self.validate(jobs)
        guard !jobs.isEmpty else { return [] }
        return try await mapErrors("enqueue jobs") {
            try await Self.enqueue(jobs, at: now) { query in
                try await connection.query(query, logger: logger).collectRows()
            }
        }
    }

    static func validate(_ jobs: [NewJob]) throws {
        guard jobs.count <= JobLimits.maxBulk else {
            throw JobsError(.invalidRequest, "one enqueue takes at most \(JobLimits.maxBulk) jobs")
        }
        for job in jobs { try job.validate() }
    }

    /// Tells the signal of the queues that got ready jobs.
    func announce(_ jobs: [NewJob], outcomes: [EnqueueOutcome], at now: Date) async {
        guard let signal else { return }
        var queues: [String] = []
        for (job, outcome) in zip(jobs, outcomes) where job.runAt <= now && !queues.contains(job.queue) {
            if case .enqueued = outcome { queues.append(job.queue) }
        }
        if !queues.isEmpty { await signal.signal(queues) }
    }

    /// The enqueue on any connection: locks the unique keys (when there are any: the caller then runs it in a
    /// transaction), then one statement finds their holders and inserts the other jobs.
    static func enqueue(
        _ jobs: [NewJob],
        at now: Date,
        run: (PostgresQuery) async throws -> [PostgresRandomAccessRow]
    ) async throws -> [EnqueueOutcome] {
        // A second job with a key already in the batch is a duplicate of the first: only first ones are sent.
        var firstWithKey: [String: Int] = [:]
        var sent: [Int] = []
        sent.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            if let key = job.uniqueKey {
                guard firstWithKey[key] == nil else { continue }
                firstWithKey[key] = index
            }
            sent.append(index)
        }
        if !firstWithKey.isEmpty {
            let keys = Array(firstWithKey.keys)
            _ = try await run(
                """
                SELECT pg_advisory_xact_lock(h) FROM (
                    SELECT DISTINCT hashtextextended('jobs.unique:' || k, 0) AS h FROM unnest(\(keys)::text[]) AS k
                    ORDER BY 1
                ) AS locks
                """
            )
        }
        let batch = sent.map { jobs[$0] }
        let rows = try await run(insertQuery(batch, at: now))
        var newIDs: [Int64] = []
        var holders: [String: JobID] = [:]
        for row in rows {
            let isNew = try row[0].decode(Bool.self)
            let id = try row[1].decode(Int64.self)
            if isNew {
                newIDs.append(id)
            } else {
                holders[try row[2].decode(String.self)] = JobID(id)
            }
        }
        newIDs.sort()
        var outcomes = [EnqueueOutcome?](repeating: nil, count: jobs.count)
        var idForKey: [String: JobID] = [:]
        var next = 0
        for index in sent {
            let job = jobs[index]
            if let key = job.uniqueKey, let holder = holders[key] {
                outcomes[index] = .duplicate(of: holder)
                idForKey[key] = holder
                continue
            }
            guard next < newIDs.count else {
                throw JobsError(.storeFailure, "PostgreSQL stored fewer jobs than expected")
            }
            let id = JobID(newIDs[next])
            next += 1
            outcomes[index] = .enqueued(id)
            if let key = job.uniqueKey { idForKey[key] = id }
        }
        return try jobs.enumerated().map { index, job in
            if let outcome = outcomes[index] { return outcome }
            guard let key = job.uniqueKey, let id = idForKey[key] else {
                throw JobsError(.storeFailure, "PostgreSQL stored fewer jobs than expected")
            }
            return .duplicate(of: id)
        }
    }

    /// One statement: the holders of the batch's unique keys, and the insert of every job whose key (if any) is
    /// free, in order (so the new IDs ascend in the batch's order). Absent keys travel as `''` and `-1`, which
    /// no valid job has (arrays of optionals are not bound by PostgresNIO).
    static func insertQuery(_ jobs: [NewJob], at now: Date) -> PostgresQuery {
        let kinds = jobs.map(\.kind)
        let queues = jobs.map(\.queue)
        let payloads = jobs.map { ByteBuffer(bytes: $0.payload) }
        let priorities = jobs.map { Int64($0.priority) }
        let runAts = jobs.map { PostgresTime($0.runAt) }
        let maxAttempts = jobs.map { Int64($0.maxAttempts) }
        let uniqueKeys = jobs.map { $0.uniqueKey ?? "" }
        let uniqueFors = jobs.map { $0.uniqueFor?.wholeMilliseconds ?? -1 }
        let concurrencyKeys = jobs.map { $0.concurrencyKey ?? "" }
        let timeouts = jobs.map(\.timeout.wholeMilliseconds)
        let now = PostgresTime(now)
        return """
            WITH input AS (
                SELECT * FROM unnest(
                    \(kinds)::text[], \(queues)::text[], \(payloads)::bytea[], \(priorities)::int8[],
                    \(runAts)::timestamptz[], \(maxAttempts)::int8[], \(uniqueKeys)::text[], \(uniqueFors)::int8[],
                    \(concurrencyKeys)::text[], \(timeouts)::int8[]
                ) WITH ORDINALITY AS i(kind, queue, payload, priority, run_at, max_attempts, unique_key,
                    unique_for_ms, concurrency_key, timeout_ms, ord)
            ),
            keys AS (SELECT ARRAY(SELECT unique_key FROM input WHERE unique_key <> '') AS keys),
            holders AS (
                -- Two lookups that match the partial indexes' predicates (one OR would scan the table).
                SELECT DISTINCT ON (h.unique_key) h.unique_key, h.id FROM (
                    SELECT j.unique_key, j.id FROM jobs AS j
                    WHERE j.state IN ('pending', 'running') AND j.unique_key IS NOT NULL
                        AND j.unique_key = ANY ((SELECT keys FROM keys)::text[])
                    UNION ALL
                    SELECT j.unique_key, j.id FROM jobs AS j
                    WHERE j.state = 'completed' AND j.unique_key IS NOT NULL AND j.unique_for_ms IS NOT NULL
                        AND j.unique_key = ANY ((SELECT keys FROM keys)::text[])
                        AND j.finished_at + j.unique_for_ms * interval '1 millisecond' > \(now)::timestamptz
                ) AS h
                ORDER BY h.unique_key, h.id
            ),
            inserted AS (
                INSERT INTO jobs (kind, queue, payload, priority, state, created_at, run_at, max_attempts,
                    unique_key, unique_for_ms, concurrency_key, timeout_ms)
                SELECT kind, queue, payload, priority, 'pending', \(now)::timestamptz, run_at, max_attempts,
                    NULLIF(unique_key, ''), NULLIF(unique_for_ms, -1), NULLIF(concurrency_key, ''), timeout_ms
                FROM input
                WHERE unique_key = '' OR unique_key NOT IN (SELECT unique_key FROM holders)
                ORDER BY ord
                RETURNING id
            )
            SELECT true, id, NULL::text FROM inserted
            UNION ALL SELECT false, id, unique_key FROM holders
            """
    }
}
