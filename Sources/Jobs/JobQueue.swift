import CoreMetrics
public import Foundation

/// Enqueues jobs: typed payloads through their ``JobType``, or JSON checked against the registry (the HTTP API).
///
/// ```swift
/// let queue = JobQueue(store: store, registry: registry, signal: signal)
/// try await queue.enqueue(welcome, Welcome(userID: 42), options: JobOptions(delay: .seconds(60)))
/// ```
public struct JobQueue: Sendable {
    /// Where jobs are stored.
    public let store: any JobStore
    /// The known job types.
    public let registry: JobRegistry
    /// Told after each enqueue, to wake workers at once.
    let signal: (any JobSignal)?
    /// The wall clock (injected in tests).
    let now: @Sendable () -> Date

    /// Creates a producer.
    /// - Parameters:
    ///   - store: Where jobs are stored.
    ///   - registry: The known job types; a job's type must be registered (or declared) to be enqueued.
    ///   - signal: Told after each enqueue (nil: workers find the jobs at their next poll).
    ///   - now: The wall clock.
    public init(
        store: any JobStore,
        registry: JobRegistry,
        signal: (any JobSignal)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.registry = registry
        self.signal = signal
        self.now = now
    }

    /// Enqueues one typed job.
    /// - Returns: `.enqueued(id)`, or `.duplicate(of:)` when its unique key is held.
    /// - Throws: `JobsError` (`unknownJobType` when the type was never registered, `invalidRequest`,
    ///   `storeFailure`).
    @discardableResult
    public func enqueue<Payload>(
        _ type: JobType<Payload>,
        _ payload: Payload,
        options: JobOptions = JobOptions()
    ) async throws -> EnqueueOutcome {
        try await enqueue(type, [payload], options: options)[0]
    }

    /// Enqueues many typed jobs of one type atomically (all or none), each with the same options.
    @discardableResult
    public func enqueue<Payload>(
        _ type: JobType<Payload>,
        _ payloads: [Payload],
        options: JobOptions = JobOptions()
    ) async throws -> [EnqueueOutcome] {
        let encoder = JSONEncoder()
        let requests = try payloads.map { payload in
            JobRequest(kind: type.name, payload: try encoder.encode(payload), options: options)
        }
        return try await enqueue(requests)
    }

    /// Enqueues one job from JSON, checked against its registered type first (a malformed payload is refused,
    /// never stored).
    @discardableResult
    public func enqueue(kind: String, payload: Data, options: JobOptions = JobOptions()) async throws -> EnqueueOutcome
    {
        try await enqueue([JobRequest(kind: kind, payload: payload, options: options)])[0]
    }

    /// Enqueues jobs from JSON atomically (all or none), each checked first.
    /// - Throws: `JobsError`; the message names the first refused job's position.
    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueOutcome] {
        let jobs = try newJobs(requests, at: now())
        let outcomes = try await store.enqueue(jobs, at: now())
        var queues: Set<String> = []
        for (job, outcome) in zip(jobs, outcomes) {
            if case .enqueued = outcome {
                queues.insert(job.queue)
                JobMetrics.shared.queue(job.queue).enqueued.increment()
            }
        }
        if let signal, !queues.isEmpty { await signal.signal(queues.sorted()) }
        return outcomes
    }

    /// The checked jobs for requests, as a store inserts them (for ``PostgresJobStore``'s transactional enqueue).
    /// - Throws: `JobsError` naming the first refused request.
    public func newJobs(_ requests: [JobRequest], at now: Date) throws -> [NewJob] {
        guard (1...JobLimits.maxBulk).contains(requests.count) else {
            throw JobsError(.invalidRequest, "enqueue 1 to \(JobLimits.maxBulk) jobs at a time")
        }
        return try requests.enumerated().map { index, request in
            do {
                let entry = try registry.check(request.payload, for: request.kind)
                return try request.options.newJob(kind: entry, payload: request.payload, at: now)
            } catch let error as JobsError where requests.count > 1 {
                throw JobsError(error.code, "job \(index): \(error.message)")
            }
        }
    }
}

/// One job to enqueue from JSON.
public struct JobRequest: Hashable, Sendable {
    /// The registered type's name.
    public var kind: String
    /// The payload: JSON for the type's payload.
    public var payload: Data
    /// How it differs from the type's defaults.
    public var options: JobOptions

    /// Creates a request.
    public init(kind: String, payload: Data, options: JobOptions = JobOptions()) {
        self.kind = kind
        self.payload = payload
        self.options = options
    }
}
