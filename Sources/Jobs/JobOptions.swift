public import Foundation

/// How one enqueue differs from its job type's defaults.
public struct JobOptions: Hashable, Sendable, Codable {
    /// The queue (default: the type's).
    public var queue: String?
    /// Higher runs first (-100…100; default 0).
    public var priority: Int?
    /// When the job becomes ready (default: now). Give `runAt` or `delay`, not both.
    public var runAt: Date?
    /// How long from now until the job becomes ready.
    public var delay: Duration?
    /// Deduplicates while a job with this key is pending or running (and `uniqueFor` after it completes).
    public var uniqueKey: String?
    /// How long after completing the job keeps its unique key.
    public var uniqueFor: Duration?
    /// At most one job with this key runs at a time, across every worker.
    public var concurrencyKey: String?
    /// Attempts before the dead-letter queue (default: the type's).
    public var maxAttempts: Int?
    /// The per-attempt timeout (default: the type's).
    public var timeout: Duration?

    /// Creates options.
    public init(
        queue: String? = nil,
        priority: Int? = nil,
        runAt: Date? = nil,
        delay: Duration? = nil,
        uniqueKey: String? = nil,
        uniqueFor: Duration? = nil,
        concurrencyKey: String? = nil,
        maxAttempts: Int? = nil,
        timeout: Duration? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.runAt = runAt
        self.delay = delay
        self.uniqueKey = uniqueKey
        self.uniqueFor = uniqueFor
        self.concurrencyKey = concurrencyKey
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }

    /// The job these options make for a registered type at `now`.
    /// - Throws: `JobsError.invalidRequest` for an invalid option (``NewJob/validate()`` runs too).
    public func newJob(kind entry: JobRegistry.Entry, payload: Data, at now: Date) throws -> NewJob {
        if runAt != nil, delay != nil {
            throw JobsError(.invalidRequest, "give runAt or delay, not both")
        }
        if let delay, delay < .zero || delay > JobLimits.maxDelay {
            throw JobsError(.invalidRequest, "delay must be between 0 and 366 days")
        }
        if let runAt, runAt.timeIntervalSince(now) > JobLimits.maxDelay.seconds {
            throw JobsError(.invalidRequest, "runAt must be within 366 days")
        }
        let job = NewJob(
            kind: entry.name,
            queue: queue ?? entry.queue,
            payload: payload,
            priority: priority ?? 0,
            runAt: runAt ?? now.addingTimeInterval(delay?.seconds ?? 0),
            maxAttempts: maxAttempts ?? entry.maxAttempts,
            uniqueKey: uniqueKey,
            uniqueFor: uniqueFor,
            concurrencyKey: concurrencyKey,
            timeout: timeout ?? entry.timeout
        )
        try job.validate()
        return job
    }
}
