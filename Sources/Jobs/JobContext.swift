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
    ///
    /// Made when first asked for: setting a logger's metadata costs more than running a no-op job (a handler that
    /// never logs never pays for it).
    public var logger: Logger {
        get {
            guard !loggerIsSet else { return baseLogger }
            var logger = baseLogger
            logger[metadataKey: "jobs.id"] = "\(id)"
            logger[metadataKey: "jobs.kind"] = .string(kind)
            logger[metadataKey: "jobs.attempt"] = "\(attempt)"
            return logger
        }
        set {
            baseLogger = newValue
            loggerIsSet = true
        }
    }
    var baseLogger: Logger
    /// The logger was replaced as a whole: it is given back as set.
    var loggerIsSet = false

    /// Creates a context (the worker does). `logger` is the worker's: the job's metadata is added to it.
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
        self.baseLogger = logger
    }

    /// Whether this is the last attempt before the dead-letter queue.
    public var isLastAttempt: Bool { attempt >= maxAttempts }
}
