import Foundation
import GRDB
import Storage

extension SQLiteJobStore {
    /// The columns of `jobs` in the order ``record(_:)`` decodes them.
    static let jobColumns = """
        id, kind, queue, payload, priority, state, created_at, run_at, attempt, max_attempts, claims, unique_key, \
        unique_for, concurrency_key, timeout, worker_id, lease_expires_at, cancel_requested, result, last_error, \
        finished_at
        """

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`: SQLite serialises it with every other writer,
    /// in this process and in others), mapping database errors to `storeFailure` (a cancelled task's
    /// `CancellationError` passes through).
    func write<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await storage.pool.write(body)
        } catch let error as JobsError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Self.storeFailure(what, error)
        }
    }

    /// Runs `body` on a read-only snapshot, mapping database errors to `storeFailure`.
    func read<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await storage.pool.read(body)
        } catch let error as JobsError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Self.storeFailure(what, error)
        }
    }

    /// A `storeFailure` naming the operation and SQLite's result code and message, never SQL or values.
    static func storeFailure(_ what: String, _ error: any Error) -> JobsError {
        if let error = error as? DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            return JobsError(
                .storeFailure,
                "the job store could not \(what): SQLite error \(error.resultCode.rawValue): \(message)"
            )
        }
        if error is RowDecodingError {
            return JobsError(.storeFailure, "the job store could not \(what): a stored row could not be read")
        }
        return JobsError(.storeFailure, "the job store could not \(what): \(type(of: error))")
    }

    /// Decodes a row of ``jobColumns``.
    static func record(_ row: Row) throws -> JobRecord {
        let stateName: String = try row.decode(atIndex: 5)
        guard let state = JobState(rawValue: stateName) else {
            throw JobsError(.storeFailure, "the job store holds a job in an unknown state")
        }
        let uniqueFor: Int64? = try row.decode(atIndex: 12)
        let leaseExpiresAt: Int64? = try row.decode(atIndex: 16)
        let finishedAt: Int64? = try row.decode(atIndex: 20)
        return JobRecord(
            id: JobID(try row.decode(Int64.self, atIndex: 0)),
            kind: try row.decode(atIndex: 1),
            queue: try row.decode(atIndex: 2),
            payload: try row.decode(atIndex: 3),
            priority: try row.decode(atIndex: 4),
            state: state,
            createdAt: Date(sqliteMicroseconds: try row.decode(atIndex: 6)),
            runAt: Date(sqliteMicroseconds: try row.decode(atIndex: 7)),
            attempt: try row.decode(atIndex: 8),
            maxAttempts: try row.decode(atIndex: 9),
            claims: try row.decode(atIndex: 10),
            uniqueKey: try row.decode(atIndex: 11),
            uniqueFor: uniqueFor.map(Duration.init(sqliteMicroseconds:)),
            concurrencyKey: try row.decode(atIndex: 13),
            timeout: Duration(sqliteMicroseconds: try row.decode(atIndex: 14)),
            workerID: try row.decode(atIndex: 15),
            leaseExpiresAt: leaseExpiresAt.map(Date.init(sqliteMicroseconds:)),
            cancelRequested: try row.decode(atIndex: 17),
            result: try row.decode(atIndex: 18),
            lastError: try row.decode(atIndex: 19),
            finishedAt: finishedAt.map(Date.init(sqliteMicroseconds:))
        )
    }

    /// Decodes a row of `job_attempts` (claim, attempt, worker_id, started_at, finished_at, outcome, error).
    static func attempt(_ row: Row) throws -> JobAttempt {
        let outcomeName: String = try row.decode(atIndex: 5)
        guard let outcome = JobAttempt.Outcome(rawValue: outcomeName) else {
            throw JobsError(.storeFailure, "the job store holds an attempt with an unknown outcome")
        }
        let finishedAt: Int64? = try row.decode(atIndex: 4)
        return JobAttempt(
            claim: try row.decode(atIndex: 0),
            attempt: try row.decode(atIndex: 1),
            workerID: try row.decode(atIndex: 2),
            startedAt: Date(sqliteMicroseconds: try row.decode(atIndex: 3)),
            finishedAt: finishedAt.map(Date.init(sqliteMicroseconds:)),
            outcome: outcome,
            error: try row.decode(atIndex: 6)
        )
    }

    /// The job with this ID, or nil.
    static func fetchJob(_ db: Database, _ id: JobID) throws -> JobRecord? {
        let statement = try db.cachedStatement(sql: "SELECT \(jobColumns) FROM jobs WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id.rawValue]).map(record)
    }

    /// A queue's stored settings, or nil.
    static func queueSettings(_ db: Database, _ queue: String) throws -> JobQueueSettings? {
        let statement = try db.cachedStatement(
            sql: "SELECT paused, concurrency_limit FROM job_queues WHERE queue = ?"
        )
        guard let row = try Row.fetchOne(statement, arguments: [queue]) else { return nil }
        return JobQueueSettings(
            queue: queue,
            paused: try row.decode(atIndex: 0),
            concurrencyLimit: try row.decode(atIndex: 1)
        )
    }

    /// The job holding a unique key at `now`: pending or running, or completed less than its `uniqueFor` ago.
    static func holder(_ db: Database, uniqueKey key: String, at now: Int64) throws -> JobID? {
        try Int64.fetchOne(db.cachedStatement(sql: Query.holder), arguments: [key, now]).map(JobID.init)
    }
}

extension Date {
    /// The date as whole microseconds since 1970 (rounded; clamped to what 64 bits hold).
    var sqliteMicroseconds: Int64 {
        clampedMicroseconds((timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// A date from microseconds since 1970.
    init(sqliteMicroseconds: Int64) {
        self.init(timeIntervalSince1970: Double(sqliteMicroseconds) / 1_000_000)
    }
}

extension Duration {
    /// The duration as whole microseconds (rounded down; clamped to what 64 bits hold).
    var sqliteMicroseconds: Int64 {
        let parts = components
        let (whole, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return parts.seconds < 0 ? .min : .max }
        let (total, overflowAgain) = whole.addingReportingOverflow(parts.attoseconds / 1_000_000_000_000)
        if overflowAgain { return parts.seconds < 0 ? .min : .max }
        return total
    }

    /// A duration of microseconds.
    init(sqliteMicroseconds: Int64) {
        self = .microseconds(sqliteMicroseconds)
    }
}

/// A number of microseconds as an `Int64`, clamped (NaN is 0).
private func clampedMicroseconds(_ value: Double) -> Int64 {
    guard value.isFinite else { return value.isNaN ? 0 : (value < 0 ? .min : .max) }
    if value >= 9.2e18 { return .max }
    if value <= -9.2e18 { return .min }
    return Int64(value)
}
