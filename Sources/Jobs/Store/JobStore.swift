public import Foundation

/// Where jobs live: the seam between the job system and its databases.
///
/// Three stores implement it with the same semantics, checked by one conformance suite
/// (`Tests/JobsTests/JobStoreConformance.swift`): ``InMemoryJobStore`` (tests, one process),
/// ``SQLiteJobStore`` (the embedded default; several processes on one file) and ``PostgresJobStore``
/// (`FOR UPDATE SKIP LOCKED`, many processes and machines).
///
/// Time: every call that depends on it takes `now` from the caller's injected clock, so the same suite drives
/// all three stores deterministically. Workers on several machines therefore rely on clocks agreeing within a
/// small fraction of the lease duration (NTP gives milliseconds; leases are tens of seconds).
///
/// Fencing: every call that changes a running job carries its ``JobLease``; the store applies it only if the
/// job is still `running`, its `claims` equals the lease's token and its lease has not expired at `now`.
/// Otherwise the call changes nothing and reports the lease lost.
public protocol JobStore: Sendable {
    // MARK: Producers

    /// Stores jobs atomically (all or none, in order), each validated first (``NewJob/validate()``).
    ///
    /// A job with a `uniqueKey` held by another job (pending or running, or completed less than its `uniqueFor`
    /// ago) is not stored: its outcome names the holder. Two jobs in one call with the same key: the first is
    /// stored, the second is its duplicate. Enqueues racing from several processes store at most one holder.
    /// - Returns: One outcome per job, in order.
    /// - Throws: `JobsError` (`invalidRequest`, `invalidPayload`, `storeFailure`); nothing is stored then.
    func enqueue(_ jobs: [NewJob], at now: Date) async throws -> [EnqueueOutcome]

    // MARK: Workers

    /// Claims up to `request.limit` ready jobs of a queue: pending, `runAt <= now`, highest priority first, then
    /// oldest `runAt`, then lowest ID. Each becomes `running` with `attempt + 1`, `claims + 1` (the lease token),
    /// the worker's ID and a lease until `now + leaseDuration`, and gets a `running` attempt in its history.
    ///
    /// Claims nothing from a paused queue. Respects the queue's global `concurrencyLimit` (running jobs of the
    /// queue across every worker, counted at claim time) and concurrency keys (a job whose key is held by a
    /// running job is skipped, and one claim takes at most one job per key). Concurrent claims from several
    /// processes never hand one job to two workers and never exceed either limit.
    func claim(_ request: ClaimRequest, at now: Date) async throws -> [ClaimedJob]

    /// Extends the leases still held to `now + duration` (one round trip for all of them).
    /// - Returns: One status per lease, in order: `.held` with the new expiry and whether a cancel was asked
    ///   for, or `.lost` (fenced).
    func extend(_ leases: [JobLease], by duration: Duration, at now: Date) async throws -> [LeaseStatus]

    /// Ends claims (one round trip for all of them): completes, schedules a retry, sends to the dead-letter
    /// queue, cancels or releases each job, and finishes its attempt in the history. A completed job with a
    /// `uniqueFor` keeps its key until `now + uniqueFor`; dead and cancelled jobs release theirs.
    ///
    /// `.released` gives the job back ready at once with the attempt not counted (`attempt - 1`, the history
    /// entry marked `released`). `.retry(at:)` leaves it pending until then, with `lastError` set.
    /// - Returns: One flag per finish, in order: `false` when the lease was lost (nothing changed for it).
    func finish(_ finishes: [JobFinish], at now: Date) async throws -> [Bool]

    /// Returns every running job whose lease expired before `now` to the queue: pending and ready at once
    /// (its attempt stays counted; history `leaseExpired`), or dead when that was its last attempt, or cancelled
    /// when a cancel was asked for. Workers call it periodically; it is idempotent and safe to run concurrently.
    /// - Returns: How many jobs it moved.
    func rescueExpiredLeases(at now: Date) async throws -> Int

    // MARK: Operators

    /// Cancels a job: a pending job becomes `cancelled` at once; a running one gets `cancelRequested` (its worker
    /// cancels the handler at its next heartbeat, and the job becomes `cancelled` when it stops). A finished job
    /// is returned unchanged.
    /// - Throws: `JobsError.unknownJob`.
    func cancel(_ id: JobID, at now: Date) async throws -> JobRecord

    /// A job with its attempt history, or nil.
    func job(_ id: JobID) async throws -> JobDetail?

    /// Jobs matching the filter, newest first.
    /// - Throws: `JobsError.invalidRequest` for an invalid filter.
    func jobs(matching filter: JobFilter) async throws -> [JobRecord]

    /// Returns dead jobs to the queue with a fresh start: pending, ready at `now`, `attempt` 0, no
    /// `lastError`, no `finishedAt` (the history is kept). A replayed job with a unique key held meanwhile by
    /// another job stays dead and is left out.
    /// - Returns: The replayed IDs (an ID given twice is replayed once).
    func replay(_ selection: JobSelection, at now: Date) async throws -> [JobID]

    /// Deletes dead jobs and their histories (an ID given twice counts once).
    /// - Returns: How many were deleted.
    func purge(_ selection: JobSelection) async throws -> Int

    /// Deletes completed and cancelled jobs finished before `finishedBefore`, and dead ones finished before
    /// `deadBefore` (the retention), at most `limit` per call.
    /// - Returns: How many were deleted.
    func prune(finishedBefore: Date, deadBefore: Date, limit: Int) async throws -> Int

    // MARK: Queues

    /// Changes a queue's settings (creating them); nil leaves a field as it is. `concurrencyLimit: .some(nil)`
    /// removes the limit.
    func updateQueue(_ queue: String, paused: Bool?, concurrencyLimit: Int??) async throws -> JobQueueSettings

    /// Every queue that has settings or jobs, with its statistics at `now`, by name.
    func statistics(at now: Date) async throws -> [JobQueueStatistics]

    /// Jobs that finished at or after `since`, counted per queue, per minute (UTC, minute of `finishedAt`) and
    /// per final state (completed, dead, cancelled): the dashboard's throughput chart. Reads only rows finished
    /// since then (an index on `finishedAt`).
    func activity(since: Date) async throws -> [JobActivity]

    // MARK: Worker registry

    /// Records a worker's heartbeat (insert or update).
    func recordWorker(_ worker: JobWorkerRecord) async throws

    /// Removes a worker's record (at its shutdown).
    func removeWorker(_ id: String) async throws

    /// Workers seen at or after `seenSince`, with the jobs each holds; older records are deleted.
    func workers(seenSince: Date) async throws -> [JobWorkerRecord]
}
