public import Foundation
public import Logging
import Platform
public import ServiceLifecycle
import Synchronization

/// Runs jobs: claims them from its queues, runs their handlers, extends their leases while they run, and ends
/// each claim (completed, retried with back-off, dead, cancelled or released).
///
/// A `Service`: add it to the `ServiceGroup`. On graceful shutdown (SIGTERM) it stops claiming at once, lets
/// running jobs finish for ``Configuration/shutdownGracePeriod``, then releases the rest (lease cleared,
/// attempt not counted) so that another worker takes them at once.
///
/// Guarantees, with any ``JobStore``:
/// - At least once: a job whose worker dies (SIGKILL, a lost network) is claimed again when its lease expires.
/// - Fenced: a worker whose lease expired (paused, partitioned) can no longer complete, fail or extend the job;
///   its handler is cancelled at its next heartbeat.
/// - Each queue runs at most its configured concurrency here, and at most its global limit across workers.
public final class JobWorker: Service, Sendable {
    /// One claimed job while it runs here: its handler's task and how its claim is to end.
    ///
    /// A job costs one task (its handler's) and this object: the events that can end a claim early (a timeout, a
    /// cancel, a lost lease, a release at shutdown) are delivered by ``JobWorker/deliver(_:to:)`` under its lock,
    /// and whichever comes first of them and the handler's return ends the claim, once.
    final class Execution: Sendable {
        let claimed: ClaimedJob
        /// When the attempt runs out of time (``JobWorker/timeoutLoop()`` checks every 50 ms: one loop per worker
        /// rather than a sleeping task per job, whose cancelled timers the global executor keeps until they fire).
        let deadline: ContinuousClock.Instant
        let control = Mutex(Control())

        struct Control {
            /// The handler's task (nil until it starts).
            var handler: Task<Void, Never>?
            /// A stop was asked for (a timeout, a cancel): how the claim ends, whenever the handler returns or
            /// its grace period runs out.
            var stopping: Decision?
            /// The claim's end has been decided (it is being written, or was).
            var concluded = false
        }

        init(_ claimed: ClaimedJob) {
            self.claimed = claimed
            self.deadline = ContinuousClock.now + claimed.job.timeout
        }

        var queue: String { claimed.job.queue }

        /// Decides the claim's end unless it is decided already: `decision(stopping)` names it from the stop
        /// asked for so far, if any. Returns nil when an earlier event decided it.
        func conclude(_ decision: (Decision?) -> Decision) -> Decision? {
            control.withLock { control in
                guard !control.concluded else { return nil }
                control.concluded = true
                return decision(control.stopping)
            }
        }
    }

    enum ExecutionEvent: Sendable {
        case timedOut
        case cancelRequested
        case leaseLost
        case release
        case graceOver
    }

    /// A queue's slots (see ``RunState/slots``).
    struct Slots {
        var busy = 0
        var held = 0

        /// How many more jobs the queue may claim.
        func free(concurrency: Int) -> Int {
            max(0, min(concurrency - busy, JobWorker.heldLimit(concurrency: concurrency) - held))
        }
    }

    /// How many claims a queue may hold at once: its running jobs, and those that ended while their ends wait to
    /// be written (twice its concurrency).
    static func heldLimit(concurrency: Int) -> Int { concurrency * 2 }

    struct RunState {
        /// Every claim held here, by execution: a job can be held twice for a moment (its old claim's lease expired,
        /// it was rescued and claimed again here while the old handler still ran; the old claim is fenced).
        var running: [ObjectIdentifier: Execution] = [:]
        /// Per queue, the claims held here (`running`'s jobs) and, of them, those whose end is not decided yet:
        /// the slots in use. A job whose handler returned frees its slot at once, while its end is written with
        /// others (its lease is extended meanwhile); at most ``JobWorker/heldLimit(concurrency:)`` are held.
        var slots: [String: Slots] = [:]
        /// Waiting for `running` to empty (the end of a shutdown).
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var wakeups: [String: AsyncStream<Void>.Continuation] = [:]
        /// Queues woken by a signal or a poll since their loop last looked (a freed slot does not count).
        var signalled: Set<String> = []
        var shuttingDown = false
        var stopped = false
    }

    let store: any JobStore
    let registry: JobRegistry
    let signal: (any JobSignal)?
    /// The worker's configuration.
    public let configuration: Configuration
    let logger: Logger
    let now: @Sendable () -> Date
    let state = Mutex(RunState())
    let batcher: FinishBatcher
    let eventBroadcast = Broadcast<Event>()
    let startedAt: Date
    let metrics: JobMetrics

    /// Creates a worker.
    /// - Parameters:
    ///   - store: Where the jobs are.
    ///   - registry: The handlers it runs (a job whose type has no handler here fails its attempt).
    ///   - signal: Wakes it when jobs are enqueued (nil: polling only).
    ///   - configuration: Queues, concurrency, leases and grace periods.
    ///   - logger: Its logger.
    ///   - now: The wall clock.
    /// - Throws: `JobsError.invalidRequest` for an invalid configuration.
    public init(
        store: any JobStore,
        registry: JobRegistry,
        signal: (any JobSignal)? = nil,
        configuration: Configuration = Configuration(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try configuration.validate()
        self.store = store
        self.registry = registry
        self.signal = signal
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "jobs.worker"] = .string(configuration.workerID)
        self.logger = logger
        self.now = now
        self.batcher = FinishBatcher(
            store: store,
            now: now,
            timeout: Self.storeTimeout(lease: configuration.leaseDuration)
        )
        self.startedAt = now()
        self.metrics = JobMetrics.shared
    }

    /// What the worker does, as it happens (a new subscription each call).
    public func events() -> AsyncStream<Event> {
        eventBroadcast.subscribe()
    }

    /// The IDs of the jobs running here now.
    public var runningJobs: [JobID] {
        state.withLock { Set($0.running.values.map(\.claimed.job.id)).sorted() }
    }

    /// Asks a job running here to stop (as a cancel seen at a heartbeat would); false when it does not run here.
    @discardableResult
    public func cancelIfRunning(_ id: JobID) -> Bool {
        let executions = state.withLock { $0.running.values.filter { $0.claimed.job.id == id } }
        for execution in executions { deliver(.cancelRequested, to: execution) }
        return !executions.isEmpty
    }

    /// Runs until graceful shutdown (or cancellation), then drains as described above.
    public func run() async throws {
        let queues = configuration.queues.sorted { $0.key < $1.key }
        var streams: [(String, Int, AsyncStream<Void>)] = []
        state.withLock { state in
            for (queue, concurrency) in queues {
                let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                continuation.yield(())
                state.wakeups[queue] = continuation
                state.signalled.insert(queue)
                streams.append((queue, concurrency, stream))
            }
        }
        logger.info(
            "job worker started",
            metadata: ["jobs.queues": .string(queues.map { "\($0.key)=\($0.value)" }.joined(separator: ","))]
        )
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { background in
                background.addTask { await self.heartbeatLoop() }
                background.addTask { await self.maintenanceLoop() }
                background.addTask { await self.pollLoop() }
                background.addTask { await self.timeoutLoop() }
                if let signal = self.signal {
                    background.addTask {
                        for await queue in signal.subscribe() { self.signalled(queue) }
                    }
                }
                await withTaskGroup(of: Void.self) { loops in
                    for (queue, concurrency, stream) in streams {
                        loops.addTask { await self.queueLoop(queue, concurrency: concurrency, wakeups: stream) }
                    }
                }
                // No more claims: wait for the running jobs to end (heartbeats go on meanwhile).
                await drained()
                background.cancelAll()
            }
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        state.withLock { $0.stopped = true }
        do {
            let workerID = configuration.workerID
            // Cleanup only (a record not refreshed is left out of the list anyway): never hold a shutdown for it.
            try await withDeadline(.seconds(2)) { [store] in try await store.removeWorker(workerID) }
        } catch {
            logger.warning("could not remove the worker's record", metadata: ["error": "\(JobsError.describe(error))"])
        }
        eventBroadcast.finish()
        logger.info("job worker stopped")
    }

    /// Stops claiming, and after the grace period releases what still runs.
    func beginShutdown() {
        let continuations = state.withLock { state in
            state.shuttingDown = true
            defer { state.wakeups.removeAll() }
            return Array(state.wakeups.values)
        }
        for continuation in continuations { continuation.finish() }
        let running = state.withLock { $0.running.count }
        logger.info("job worker stopping", metadata: ["jobs.running": "\(running)"])
        let grace = configuration.shutdownGracePeriod
        Task {
            try? await Task.sleep(for: grace)
            let executions = self.state.withLock { Array($0.running.values) }
            if !executions.isEmpty {
                self.logger.info(
                    "releasing jobs still running after the grace period",
                    metadata: ["jobs.count": "\(executions.count)"]
                )
            }
            for execution in executions { self.deliver(.release, to: execution) }
        }
    }

    /// Returns when no job runs here any more. If the task is cancelled meanwhile (not a graceful shutdown), the
    /// running jobs are released at once.
    func drained() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let empty = state.withLock { state in
                    guard !state.running.isEmpty else { return true }
                    state.drainWaiters.append(waiter)
                    return false
                }
                if empty { waiter.resume() }
            }
        } onCancel: {
            let executions = state.withLock { Array($0.running.values) }
            for execution in executions { deliver(.release, to: execution) }
        }
    }

    /// Wakes a queue's loop because a slot freed.
    func wake(_ queue: String) {
        _ = state.withLock { $0.wakeups[queue] }?.yield(())
    }

    /// Wakes a queue's loop because jobs may be ready (a signal): it claims even when it last found none.
    func signalled(_ queue: String) {
        let continuation = state.withLock { state -> AsyncStream<Void>.Continuation? in
            guard let continuation = state.wakeups[queue] else { return nil }
            state.signalled.insert(queue)
            return continuation
        }
        continuation?.yield(())
    }

    /// Wakes every queue as a signal would (a poll, a rescue).
    func wakeAll() {
        let continuations = state.withLock { state in
            state.signalled.formUnion(state.wakeups.keys)
            return Array(state.wakeups.values)
        }
        for continuation in continuations { continuation.yield(()) }
    }

    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// How long one store call may take before the worker gives up on it (and retries later): a third of the
    /// lease, at least 1 s and at most 10 s. A database that stops answering (a restart, a partition) cannot hold
    /// a loop, or a shutdown, for long.
    var storeTimeout: Duration { Self.storeTimeout(lease: configuration.leaseDuration) }

    static func storeTimeout(lease: Duration) -> Duration { min(.seconds(10), max(.seconds(1), lease / 3)) }

    /// Runs one store call within ``storeTimeout`` (`DeadlineExceeded` past it; the call is cancelled).
    func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(storeTimeout, body)
    }

    // MARK: Loops

    /// How many slots must be free before a freed slot makes a queue claim again: a tenth of them (a claim is a
    /// round trip; refilling one slot at a time would cost one per job). A signal or a poll always claims.
    static func claimBatch(concurrency: Int) -> Int { max(1, concurrency / 10) }

    /// Claims as many jobs as the queue has free slots, each time it is woken.
    func queueLoop(_ queue: String, concurrency: Int, wakeups: AsyncStream<Void>) async {
        let batch = Self.claimBatch(concurrency: concurrency)
        var drained = false
        for await _ in wakeups {
            let signalled = state.withLock { $0.signalled.remove(queue) != nil }
            var claimedThisWake = false
            while !isShuttingDown {
                let slots = state.withLock { $0.slots[queue, default: Slots()] }
                let running = slots.busy
                let free = slots.free(concurrency: concurrency)
                guard free > 0 else { break }
                if !signalled, !claimedThisWake, running > 0, drained || free < batch { break }
                let claimed: [ClaimedJob]
                do {
                    let request = ClaimRequest(
                        queue: queue,
                        limit: min(free, 1_000),
                        workerID: configuration.workerID,
                        leaseDuration: configuration.leaseDuration
                    )
                    claimed = try await bounded { [store, now] in try await store.claim(request, at: now()) }
                } catch {
                    logger.warning(
                        "claiming jobs failed; retrying at the next poll",
                        metadata: ["jobs.queue": .string(queue), "error": "\(JobsError.describe(error))"]
                    )
                    break
                }
                claimedThisWake = true
                let executions = claimed.map(Execution.init)
                state.withLock { state in
                    for execution in executions { state.running[ObjectIdentifier(execution)] = execution }
                    state.slots[queue, default: Slots()].busy += executions.count
                    state.slots[queue, default: Slots()].held += executions.count
                }
                for execution in executions { start(execution) }
                drained = claimed.count < free
                if drained { break }
            }
        }
    }

    /// Extends the leases of running jobs and records this worker's heartbeat.
    func heartbeatLoop() async {
        await recordHeartbeat()
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.heartbeatInterval)
            } catch {
                return
            }
            await heartbeat()
        }
    }

    /// One heartbeat: extends every running job's lease in one call; a lost lease or a cancel reaches the job.
    func heartbeat() async {
        let executions = state.withLock { Array($0.running.values) }
        if !executions.isEmpty {
            do {
                let statuses = try await store.extend(
                    executions.map(\.claimed.lease),
                    by: configuration.leaseDuration,
                    at: now()
                )
                for (execution, status) in zip(executions, statuses) {
                    switch status {
                    case .lost: deliver(.leaseLost, to: execution)
                    case .held(_, cancelRequested: true): deliver(.cancelRequested, to: execution)
                    case .held: break
                    }
                }
            } catch {
                logger.warning("extending leases failed", metadata: ["error": "\(JobsError.describe(error))"])
            }
        }
        await recordHeartbeat()
    }

    func recordHeartbeat() async {
        let record = JobWorkerRecord(
            id: configuration.workerID,
            host: ProcessInfo.processInfo.hostName,
            pid: Int(ProcessInfo.processInfo.processIdentifier),
            queues: configuration.queues.keys.sorted(),
            startedAt: startedAt,
            lastSeenAt: now()
        )
        do {
            try await bounded { [store] in try await store.recordWorker(record) }
        } catch {
            logger.debug("recording the worker's heartbeat failed", metadata: ["error": "\(JobsError.describe(error))"])
        }
    }

    /// Returns expired leases to their queues and prunes finished jobs past their retention.
    func maintenanceLoop() async {
        var lastPrune = Date.distantPast
        while !Task.isCancelled, !isShuttingDown {
            do {
                let rescued = try await bounded { [store, now] in try await store.rescueExpiredLeases(at: now()) }
                if rescued > 0 {
                    logger.notice(
                        "returned jobs with expired leases to their queues",
                        metadata: ["jobs.count": "\(rescued)"]
                    )
                    wakeAll()
                }
                if now().timeIntervalSince(lastPrune) >= 60 {
                    lastPrune = now()
                    let finishedBefore = now().addingTimeInterval(-configuration.completedRetention.seconds)
                    let deadBefore = now().addingTimeInterval(-configuration.deadRetention.seconds)
                    let pruned = try await bounded { [store] in
                        try await store.prune(finishedBefore: finishedBefore, deadBefore: deadBefore, limit: 10_000)
                    }
                    if pruned > 0 { logger.debug("pruned finished jobs", metadata: ["jobs.count": "\(pruned)"]) }
                }
            } catch {
                logger.warning("job maintenance failed", metadata: ["error": "\(JobsError.describe(error))"])
            }
            do {
                try await Task.sleep(for: configuration.rescueInterval)
            } catch {
                return
            }
        }
    }

    /// Tells every execution past its deadline that it timed out, every 50 ms.
    func timeoutLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                return
            }
            let now = ContinuousClock.now
            let late = state.withLock { $0.running.values.filter { $0.deadline <= now } }
            // A stop already asked for (this one, or a cancel) makes it a no-op.
            for execution in late { deliver(.timedOut, to: execution) }
        }
    }

    /// Wakes every queue once per poll interval: the fallback when no signal arrives.
    func pollLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.pollInterval)
            } catch {
                return
            }
            wakeAll()
        }
    }
}
