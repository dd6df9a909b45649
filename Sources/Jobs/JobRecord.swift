public import Foundation

/// A job as the store holds it.
public struct JobRecord: Hashable, Sendable, Codable {
    /// Its ID.
    public var id: JobID
    /// Its job type's name.
    public var kind: String
    /// Its queue.
    public var queue: String
    /// Its payload (JSON).
    public var payload: Data
    /// Higher runs first.
    public var priority: Int
    /// Where it is in its life.
    public var state: JobState
    /// When it was enqueued.
    public var createdAt: Date
    /// When it becomes (or became) ready: its schedule, or the end of its retry back-off.
    public var runAt: Date
    /// Attempts counted so far (a released attempt does not count).
    public var attempt: Int
    /// Attempts it gets before the dead-letter queue.
    public var maxAttempts: Int
    /// How many times a worker claimed it; the current claim's number is its lease token (fencing).
    public var claims: Int
    /// Its unique key, if any.
    public var uniqueKey: String?
    /// How long it holds its unique key after completing.
    public var uniqueFor: Duration?
    /// Its concurrency key, if any.
    public var concurrencyKey: String?
    /// The per-attempt timeout.
    public var timeout: Duration
    /// The worker holding it (running jobs only).
    public var workerID: String?
    /// When the current lease ends unless extended (running jobs only).
    public var leaseExpiresAt: Date?
    /// Whether a cancel was asked for while it ran; its worker cancels the handler at its next heartbeat.
    public var cancelRequested: Bool
    /// The handler's result (JSON), for completed jobs that returned one.
    public var result: Data?
    /// The last attempt's error.
    public var lastError: String?
    /// When it completed, died or was cancelled.
    public var finishedAt: Date?

    /// Creates a record (the stores do).
    public init(
        id: JobID,
        kind: String,
        queue: String,
        payload: Data,
        priority: Int,
        state: JobState,
        createdAt: Date,
        runAt: Date,
        attempt: Int,
        maxAttempts: Int,
        claims: Int,
        uniqueKey: String?,
        uniqueFor: Duration?,
        concurrencyKey: String?,
        timeout: Duration,
        workerID: String?,
        leaseExpiresAt: Date?,
        cancelRequested: Bool,
        result: Data?,
        lastError: String?,
        finishedAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.queue = queue
        self.payload = payload
        self.priority = priority
        self.state = state
        self.createdAt = createdAt
        self.runAt = runAt
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.claims = claims
        self.uniqueKey = uniqueKey
        self.uniqueFor = uniqueFor
        self.concurrencyKey = concurrencyKey
        self.timeout = timeout
        self.workerID = workerID
        self.leaseExpiresAt = leaseExpiresAt
        self.cancelRequested = cancelRequested
        self.result = result
        self.lastError = lastError
        self.finishedAt = finishedAt
    }

    /// A new record for an enqueued job.
    public init(id: JobID, job: NewJob, createdAt: Date) {
        self.init(
            id: id,
            kind: job.kind,
            queue: job.queue,
            payload: job.payload,
            priority: job.priority,
            state: .pending,
            createdAt: createdAt,
            runAt: job.runAt,
            attempt: 0,
            maxAttempts: job.maxAttempts,
            claims: 0,
            uniqueKey: job.uniqueKey,
            uniqueFor: job.uniqueFor,
            concurrencyKey: job.concurrencyKey,
            timeout: job.timeout,
            workerID: nil,
            leaseExpiresAt: nil,
            cancelRequested: false,
            result: nil,
            lastError: nil,
            finishedAt: nil
        )
    }
}

/// A job with its attempt history.
public struct JobDetail: Hashable, Sendable, Codable {
    /// The job.
    public var job: JobRecord
    /// Every claim of it, oldest first.
    public var attempts: [JobAttempt]

    /// Creates a detail.
    public init(job: JobRecord, attempts: [JobAttempt]) {
        self.job = job
        self.attempts = attempts
    }
}

/// One claim of a job by a worker, and how it ended.
public struct JobAttempt: Hashable, Sendable, Codable {
    /// How a claim ended.
    public enum Outcome: String, Hashable, Sendable, Codable, CaseIterable {
        /// Still running.
        case running
        /// The handler succeeded.
        case succeeded
        /// The handler threw; the job was retried or, on its last attempt, sent to the dead-letter queue.
        case failed
        /// The handler threw a poison error: no retry.
        case poisoned
        /// The attempt ran past its timeout.
        case timedOut
        /// The worker's lease expired (the worker died, paused or lost the database); the job was claimed again.
        case leaseExpired
        /// Released at shutdown before it finished: not counted as an attempt.
        case released
        /// The job was cancelled while it ran.
        case cancelled
    }

    /// The claim's number (the lease token), from 1.
    public var claim: Int
    /// The attempt number it counted as (a released claim keeps the number the next claim reuses).
    public var attempt: Int
    /// The worker that held it.
    public var workerID: String
    /// When it was claimed.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date?
    /// How it ended.
    public var outcome: Outcome
    /// The error, for failed, poisoned, timed-out and expired attempts.
    public var error: String?

    /// Creates an attempt (the stores do).
    public init(
        claim: Int,
        attempt: Int,
        workerID: String,
        startedAt: Date,
        finishedAt: Date?,
        outcome: Outcome,
        error: String?
    ) {
        self.claim = claim
        self.attempt = attempt
        self.workerID = workerID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
    }

    /// How long it ran (nil while running).
    public var duration: Duration? {
        finishedAt.map { .milliseconds(Int64(($0.timeIntervalSince(startedAt) * 1000).rounded())) }
    }
}
