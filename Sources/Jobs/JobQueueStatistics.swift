public import Foundation

/// One queue's numbers at a moment.
public struct JobQueueStatistics: Hashable, Sendable, Codable {
    /// The queue.
    public var queue: String
    /// Pending jobs whose time has come.
    public var ready: Int
    /// Pending jobs waiting for their time (delays and retry back-off).
    public var scheduled: Int
    /// Jobs a worker holds.
    public var running: Int
    /// Jobs in the dead-letter queue.
    public var dead: Int
    /// Completed jobs still kept (within the retention).
    public var completed: Int
    /// Cancelled jobs still kept.
    public var cancelled: Int
    /// How long the oldest ready job has waited since its `runAt` (zero without ready jobs).
    public var oldestReadyAge: Duration
    /// Whether the queue is paused.
    public var paused: Bool
    /// The global limit on its running jobs, across every worker (nil: none).
    public var concurrencyLimit: Int?

    /// Creates statistics (the stores do).
    public init(
        queue: String,
        ready: Int = 0,
        scheduled: Int = 0,
        running: Int = 0,
        dead: Int = 0,
        completed: Int = 0,
        cancelled: Int = 0,
        oldestReadyAge: Duration = .zero,
        paused: Bool = false,
        concurrencyLimit: Int? = nil
    ) {
        self.queue = queue
        self.ready = ready
        self.scheduled = scheduled
        self.running = running
        self.dead = dead
        self.completed = completed
        self.cancelled = cancelled
        self.oldestReadyAge = oldestReadyAge
        self.paused = paused
        self.concurrencyLimit = concurrencyLimit
    }
}

/// A queue's settings, shared by every worker through the store (they survive restarts).
public struct JobQueueSettings: Hashable, Sendable, Codable {
    /// The queue.
    public var queue: String
    /// Whether workers leave it alone.
    public var paused: Bool
    /// The most of its jobs that may run at once across every worker (nil: no limit beyond each worker's own).
    public var concurrencyLimit: Int?

    /// Creates settings.
    public init(queue: String, paused: Bool = false, concurrencyLimit: Int? = nil) {
        self.queue = queue
        self.paused = paused
        self.concurrencyLimit = concurrencyLimit
    }
}

/// A worker process as it last reported itself.
public struct JobWorkerRecord: Hashable, Sendable, Codable {
    /// The worker's ID (unique per process start).
    public var id: String
    /// The host it runs on.
    public var host: String
    /// Its process ID.
    public var pid: Int
    /// The queues it works.
    public var queues: [String]
    /// When it started.
    public var startedAt: Date
    /// Its last heartbeat.
    public var lastSeenAt: Date
    /// The jobs it holds now (from the jobs themselves, not from the heartbeat).
    public var running: [JobID]

    /// Creates a record.
    public init(
        id: String,
        host: String,
        pid: Int,
        queues: [String],
        startedAt: Date,
        lastSeenAt: Date,
        running: [JobID] = []
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.queues = queues
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
        self.running = running
    }
}

/// How many jobs of a queue finished in one minute, by how they finished.
public struct JobActivity: Hashable, Sendable, Codable {
    /// The queue.
    public var queue: String
    /// The minute's start (whole minutes since 1970, UTC).
    public var minute: Date
    /// Jobs completed.
    public var completed: Int
    /// Jobs sent to the dead-letter queue.
    public var dead: Int
    /// Jobs cancelled.
    public var cancelled: Int

    /// Creates a bucket.
    public init(queue: String, minute: Date, completed: Int = 0, dead: Int = 0, cancelled: Int = 0) {
        self.queue = queue
        self.minute = minute
        self.completed = completed
        self.dead = dead
        self.cancelled = cancelled
    }
}
