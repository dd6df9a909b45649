/// A kind of job: its registered name, the Swift type of its payload, and its defaults.
///
/// ```swift
/// struct Welcome: Codable, Sendable { var userID: Int }
/// let welcome = JobType<Welcome>("mail.welcome", queue: "mail", maxAttempts: 10)
/// registry.register(welcome) { payload, context in try await mailer.sendWelcome(to: payload.userID) }
/// try await queue.enqueue(welcome, Welcome(userID: 42))
/// ```
public struct JobType<Payload: Codable & Sendable>: Sendable {
    /// The registered name (1 to 64 characters from `a-z A-Z 0-9 _ - . :`).
    public var name: String
    /// The queue its jobs go to unless the enqueue names another.
    public var queue: String
    /// Attempts before the dead-letter queue.
    public var maxAttempts: Int
    /// How long one attempt may run.
    public var timeout: Duration
    /// The back-off between attempts.
    public var retry: JobRetryPolicy

    /// Declares a job type.
    public init(
        _ name: String,
        payload: Payload.Type = Payload.self,
        queue: String = JobQueueName.default,
        maxAttempts: Int = JobLimits.defaultMaxAttempts,
        timeout: Duration = JobLimits.defaultTimeout,
        retry: JobRetryPolicy = .exponential()
    ) {
        self.name = name
        self.queue = queue
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.retry = retry
    }
}
