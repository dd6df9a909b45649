public import Foundation

/// A job as a store inserts it: every option resolved and validated (``JobQueue`` builds it from a
/// ``JobRequest`` and the job type's defaults).
public struct NewJob: Hashable, Sendable {
    /// The job type's registered name.
    public var kind: String
    /// The queue it runs on.
    public var queue: String
    /// The payload: JSON, already checked against the job type.
    public var payload: Data
    /// Higher runs first among ready jobs of one queue (-100…100).
    public var priority: Int
    /// When it becomes ready.
    public var runAt: Date
    /// How many attempts it gets before it goes to the dead-letter queue (1…100).
    public var maxAttempts: Int
    /// While a pending or running job holds this key, enqueueing another with it returns the existing job.
    public var uniqueKey: String?
    /// How long after completing the job still holds its unique key (nil: released at completion).
    public var uniqueFor: Duration?
    /// At most one job with this key runs at a time, across every worker.
    public var concurrencyKey: String?
    /// How long one attempt may run before it is cancelled and counted as failed.
    public var timeout: Duration

    /// Creates a job; ``JobQueue`` validates the fields (``validate()``).
    public init(
        kind: String,
        queue: String = JobQueueName.default,
        payload: Data,
        priority: Int = 0,
        runAt: Date,
        maxAttempts: Int = JobLimits.defaultMaxAttempts,
        uniqueKey: String? = nil,
        uniqueFor: Duration? = nil,
        concurrencyKey: String? = nil,
        timeout: Duration = JobLimits.defaultTimeout
    ) {
        self.kind = kind
        self.queue = queue
        self.payload = payload
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.uniqueFor = uniqueFor
        self.concurrencyKey = concurrencyKey
        self.timeout = timeout
    }

    /// Checks every field against ``JobLimits``; the stores call it before they write anything.
    /// - Throws: `JobsError` with code `invalidRequest` or `invalidPayload`.
    public func validate() throws {
        try JobLimits.validateName(kind, what: "job type")
        try JobLimits.validateName(queue, what: "queue")
        guard payload.count <= JobLimits.maxPayloadBytes else {
            throw JobsError(
                .invalidPayload,
                "the payload is \(payload.count) bytes; at most \(JobLimits.maxPayloadBytes) are allowed"
            )
        }
        guard JobLimits.priorities.contains(priority) else {
            throw JobsError(.invalidRequest, "priority must be between -100 and 100")
        }
        guard JobLimits.attempts.contains(maxAttempts) else {
            throw JobsError(.invalidRequest, "maxAttempts must be between 1 and \(JobLimits.attempts.upperBound)")
        }
        if let uniqueKey { try JobLimits.validateKey(uniqueKey, what: "uniqueKey") }
        if let concurrencyKey { try JobLimits.validateKey(concurrencyKey, what: "concurrencyKey") }
        if let uniqueFor, uniqueFor < .zero || uniqueFor > JobLimits.maxUniqueFor {
            throw JobsError(.invalidRequest, "uniqueFor must be between 0 and 30 days")
        }
        guard timeout > .zero, timeout <= JobLimits.maxTimeout else {
            throw JobsError(.invalidRequest, "timeout must be between 1 ms and 24 hours")
        }
    }
}

/// Well-known queue names.
public enum JobQueueName: Sendable {
    /// The queue a job runs on unless it names another: `default`.
    public static let `default` = "default"
}
