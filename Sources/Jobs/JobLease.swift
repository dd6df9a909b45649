public import Foundation

/// A worker's hold on a running job. Every store call that changes a running job carries it, and the store
/// refuses the call unless the job is still running under this claim and the lease has not expired: a worker
/// that paused past its lease can no longer complete, fail or extend the job another worker now holds (fencing).
public struct JobLease: Hashable, Sendable, Codable {
    /// The job.
    public var jobID: JobID
    /// The claim number this lease is for (the job's `claims` at claim time).
    public var token: Int
    /// The attempt number this claim counts as.
    public var attempt: Int
    /// When the lease ends unless extended.
    public var expiresAt: Date

    /// Creates a lease (the stores do).
    public init(jobID: JobID, token: Int, attempt: Int, expiresAt: Date) {
        self.jobID = jobID
        self.token = token
        self.attempt = attempt
        self.expiresAt = expiresAt
    }
}

/// A job a worker claimed, with its lease.
public struct ClaimedJob: Hashable, Sendable {
    /// The job as it is now (state `running`).
    public var job: JobRecord
    /// The lease that fences it.
    public var lease: JobLease

    /// Creates a claimed job (the stores do).
    public init(job: JobRecord, lease: JobLease) {
        self.job = job
        self.lease = lease
    }
}

/// What a worker asks a store for.
public struct ClaimRequest: Hashable, Sendable {
    /// The queue to claim from.
    public var queue: String
    /// The most jobs to claim (1…1,000).
    public var limit: Int
    /// The claiming worker.
    public var workerID: String
    /// How long the lease lasts unless extended.
    public var leaseDuration: Duration

    /// Creates a request.
    public init(queue: String, limit: Int, workerID: String, leaseDuration: Duration) {
        self.queue = queue
        self.limit = limit
        self.workerID = workerID
        self.leaseDuration = leaseDuration
    }
}

/// What a heartbeat learned about one lease.
public enum LeaseStatus: Hashable, Sendable {
    /// Still held, now until `expiresAt`; `cancelRequested` when someone asked to cancel the job.
    case held(expiresAt: Date, cancelRequested: Bool)
    /// No longer held: expired, claimed by another worker, or the job was deleted. Stop working on it.
    case lost
}

/// How a worker ends its claim on a job.
public struct JobFinish: Hashable, Sendable {
    /// What happened.
    public enum Outcome: Hashable, Sendable {
        /// The handler succeeded; `result` (JSON) is kept for the retention period.
        case completed(result: Data?)
        /// The attempt failed (`outcome` is `.failed` or `.timedOut`); the job runs again at `retryAt`.
        case retry(at: Date, error: String, outcome: JobAttempt.Outcome)
        /// The job goes to the dead-letter queue (`outcome` is `.failed`, `.poisoned` or `.timedOut`).
        case dead(error: String, outcome: JobAttempt.Outcome)
        /// The job was cancelled while it ran.
        case cancelled(error: String?)
        /// The worker gives the job back unfinished (shutdown): the attempt is not counted, the job is ready at
        /// once for another worker.
        case released
    }

    /// The lease being ended.
    public var lease: JobLease
    /// What happened.
    public var outcome: Outcome

    /// Creates a finish.
    public init(lease: JobLease, outcome: Outcome) {
        self.lease = lease
        self.outcome = outcome
    }
}
