public import Logging

/// What a handler knows about the attempt it runs.
public struct JobContext: Sendable {
    /// The job's ID.
    public var id: JobID
    /// Its job type's name.
    public var kind: String
    /// Its queue.
    public var queue: String
    /// This attempt's number, from 1.
    public var attempt: Int
    /// Attempts it gets in all.
    public var maxAttempts: Int
    /// The worker running it.
    public var workerID: String
    /// A logger with `jobs.id`, `jobs.kind` and `jobs.attempt` set.
    public var logger: Logger

    /// Creates a context (the worker does).
    public init(
        id: JobID,
        kind: String,
        queue: String,
        attempt: Int,
        maxAttempts: Int,
        workerID: String,
        logger: Logger
    ) {
        self.id = id
        self.kind = kind
        self.queue = queue
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.workerID = workerID
        self.logger = logger
    }

    /// Whether this is the last attempt before the dead-letter queue.
    public var isLastAttempt: Bool { attempt >= maxAttempts }
}
