import Foundation
import Jobs
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The worker above the in-memory store: handlers, retries, the dead-letter queue, timeouts, cancels, fencing,
/// concurrency and graceful shutdown. Waits are on the worker's events, bounded by generous deadlines.
@Suite struct JobWorkerTests {
    struct Note: Codable, Sendable {
        var text: String
    }

    static let note = JobType<Note>(
        "test.note",
        maxAttempts: 3,
        timeout: .seconds(30),
        retry: .exponential(base: .milliseconds(1), maximum: .milliseconds(5))
    )

    let logger = Logger(label: "jobs.test", factory: { _ in SwiftLogNoOpLogHandler() })

    func configuration(
        _ queues: [String: Int] = ["default": 4],
        lease: Duration = .seconds(30),
        grace: Duration = .seconds(5)
    ) -> JobWorker.Configuration {
        JobWorker.Configuration(
            queues: queues,
            pollInterval: .milliseconds(20),
            leaseDuration: lease,
            rescueInterval: .milliseconds(50),
            shutdownGracePeriod: grace,
            cancelGracePeriod: .milliseconds(200),
            workerID: "test-worker"
        )
    }

    @Test func runsEveryJobOnceAndKeepsResults() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        let runs = Mutex<[String: Int]>([:])
        registry.register(Self.note, returning: Note.self) { payload, _ in
            runs.withLock { $0[payload.text, default: 0] += 1 }
            return Note(text: payload.text.uppercased())
        }
        let signal = LocalJobSignal()
        let queue = JobQueue(store: store, registry: registry, signal: signal)
        let worker = try JobWorker(
            store: store,
            registry: registry,
            signal: signal,
            configuration: configuration(),
            logger: logger
        )
        let events = EventLog(worker)
        try await run(worker) {
            _ = try await queue.enqueue(Self.note, (0..<200).map { Note(text: "n\($0)") })
            try await events.wait(count: 200) { if case .finished(_, .succeeded) = $0 { true } else { false } }
        }
        #expect(runs.withLock { $0.count == 200 && $0.values.allSatisfy { $0 == 1 } })
        let completed = try await store.jobs(matching: JobFilter(state: .completed, limit: 1000))
        #expect(completed.count == 200)
        let first = try #require(completed.last)
        #expect(try JSONDecoder().decode(Note.self, from: try #require(first.result)).text == "N0")
    }

    @Test func failuresRetryThenReachTheDeadLetterQueueAfterExactlyMaxAttempts() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        struct Flaky: Error, CustomStringConvertible { var description: String { "the mail server said no" } }
        registry.register(Self.note) { _, _ in throw Flaky() }
        let queue = JobQueue(store: store, registry: registry)
        let worker = try JobWorker(store: store, registry: registry, configuration: configuration(), logger: logger)
        let events = EventLog(worker)
        let id = try await run(worker) {
            let id = try await queue.enqueue(Self.note, Note(text: "x")).id
            try await events.wait(count: 3) { if case .finished(_, .failed) = $0 { true } else { false } }
            return id
        }
        let detail = try #require(try await store.job(id))
        #expect(detail.job.state == .dead)
        #expect(detail.attempts.map(\.outcome) == [.failed, .failed, .failed])
        #expect(detail.attempts.map(\.attempt) == [1, 2, 3])
        #expect(detail.job.lastError == "the mail server said no")
    }

    @Test func poisonGoesStraightToTheDeadLetterQueue() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        registry.register(Self.note) { payload, _ in throw JobPoison("no such user: \(payload.text)") }
        let queue = JobQueue(store: store, registry: registry)
        let worker = try JobWorker(store: store, registry: registry, configuration: configuration(), logger: logger)
        let events = EventLog(worker)
        let id = try await run(worker) {
            let id = try await queue.enqueue(Self.note, Note(text: "ghost")).id
            try await events.wait(count: 1) { if case .finished(_, .poisoned) = $0 { true } else { false } }
            return id
        }
        let detail = try #require(try await store.job(id))
        #expect(detail.job.state == .dead && detail.attempts.count == 1)
        #expect(detail.job.lastError == "poison: no such user: ghost")
    }

    /// A handler that stops at cancellation ends its attempt then; one that ignores it is abandoned after the
    /// cancel grace period (200 ms here): either way the attempt ends `timedOut` and the retry runs, and a stuck
    /// handler returning late changes nothing.
    @Test(arguments: [false, true])
    func aTimedOutAttemptIsCancelledOrAbandonedAndRetried(ignoresCancellation: Bool) async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        let stuck = Gate()
        let lateReturns = Atomic<Int>(0)
        registry.register(Self.note) { _, context in
            guard context.attempt == 1 else { return }
            if ignoresCancellation {
                // Something that knows nothing of cancellation.
                await stuck.wait()
                lateReturns.add(1, ordering: .relaxed)
            } else {
                try await Task.sleep(for: .seconds(60))
            }
        }
        let queue = JobQueue(store: store, registry: registry)
        let worker = try JobWorker(store: store, registry: registry, configuration: configuration(), logger: logger)
        let events = EventLog(worker)
        let id = try await run(worker) {
            let id = try await queue.enqueue(
                Self.note,
                Note(text: "slow"),
                options: JobOptions(timeout: .milliseconds(100))
            ).id
            try await events.wait(count: 1) { if case .finished(_, .succeeded) = $0 { true } else { false } }
            #expect(lateReturns.load(ordering: .relaxed) == 0)
            stuck.open()
            return id
        }
        let detail = try #require(try await store.job(id))
        // Normally [timedOut, succeeded]; a machine that stalls for more than the 100 ms timeout between a claim and
        // the (instant) later handler can time out a retry too: every attempt but the last timed out.
        let outcomes = detail.attempts.map(\.outcome)
        #expect(outcomes.count >= 2 && outcomes.last == .succeeded, "\(outcomes)")
        #expect(outcomes.dropLast().allSatisfy { $0 == .timedOut }, "\(outcomes)")
        #expect(detail.attempts.first?.error?.contains("timed out") == true)
        #expect(detail.job.state == .completed)
        #expect(events.events.count { if case .finished = $0 { true } else { false } } == outcomes.count)
    }

    @Test func aJobThatEndedFreesItsSlotWhileItsEndIsWrittenUpToTwiceTheConcurrency() async throws {
        let inner = InMemoryJobStore()
        let store = GatedFinishStore(inner)
        let registry = JobRegistry()
        registry.register(Self.note) { _, _ in }
        let (queue, worker) = try queueAndWorker(store, registry, queues: ["default": 3])
        let events = EventLog(worker)
        try await run(worker) {
            _ = try await queue.enqueue(Self.note, (0..<20).map { Note(text: "\($0)") })
            // No end can be written: the handlers that returned gave their slots back, so more ran than the
            // concurrency (3), but never more claims were held than twice that.
            await store.waitForHeldFinishes(atLeast: 1)
            try await events.wait(count: 6) { if case .started = $0 { true } else { false } }
            let held = try await inner.jobs(matching: JobFilter(state: .running, limit: 100))
            #expect(held.count == 6)
            store.open()
            try await events.wait(count: 20) { if case .finished(_, .succeeded) = $0 { true } else { false } }
        }
        #expect(try await inner.jobs(matching: JobFilter(state: .completed, limit: 100)).count == 20)
    }

    @Test func cancellingARunningJobStopsItsHandler() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        let sawCancellation = Mutex(false)
        registry.register(Self.note) { _, _ in
            do { try await Task.sleep(for: .seconds(60)) } catch {
                sawCancellation.withLock { $0 = true }
                throw error
            }
        }
        let queue = JobQueue(store: store, registry: registry)
        let worker = try JobWorker(
            store: store,
            registry: registry,
            // A heartbeat every second carries the cancel; a lease of 3 s outlives the stalls of a loaded machine
            // (a lost lease would end the claim before the cancel reaches it).
            configuration: configuration(lease: .seconds(3)),
            logger: logger
        )
        let events = EventLog(worker)
        let id = try await run(worker) {
            let id = try await queue.enqueue(Self.note, Note(text: "long")).id
            try await events.wait(count: 1) { if case .started = $0 { true } else { false } }
            // Through the store only, as another instance's API would: the heartbeat carries it.
            _ = try await store.cancel(id, at: Date())
            try await events.wait(count: 1) { if case .finished(_, .cancelled) = $0 { true } else { false } }
            return id
        }
        #expect(sawCancellation.withLock { $0 })
        #expect(try await store.job(id)?.job.state == .cancelled)
    }

    @Test func aWorkerWhoseLeaseExpiredIsFencedAndItsHandlerCancelled() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        let clock = Mutex(Date())
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        registry.register(Self.note) { _, _ in try await Task.sleep(for: .seconds(60)) }
        let queue = JobQueue(store: store, registry: registry, now: now)
        // The paused worker: its clock is frozen, so its own rescue never runs; another worker takes the job.
        let worker = try JobWorker(
            store: store,
            registry: registry,
            configuration: JobWorker.Configuration(
                queues: ["default": 1],
                pollInterval: .milliseconds(20),
                leaseDuration: .seconds(30),
                heartbeatInterval: .milliseconds(50),
                rescueInterval: .seconds(3600),
                workerID: "paused"
            ),
            logger: logger,
            now: now
        )
        let events = EventLog(worker)
        let id = try await run(worker) {
            let id = try await queue.enqueue(Self.note, Note(text: "x")).id
            try await events.wait(count: 1) { if case .started = $0 { true } else { false } }
            // Forty seconds pass for everyone: the lease expired; another worker rescues and claims the job.
            clock.withLock { $0 = $0.addingTimeInterval(40) }
            #expect(try await store.rescueExpiredLeases(at: now()) == 1)
            let other = try await store.claim(
                ClaimRequest(queue: "default", limit: 1, workerID: "other", leaseDuration: .seconds(30)),
                at: now()
            )
            #expect(other.count == 1)
            try await events.wait(count: 1) { if case .leaseLost(id) = $0 { true } else { false } }
            return id
        }
        let detail = try #require(try await store.job(id))
        #expect(detail.job.state == .running && detail.job.workerID == "other", "the paused worker changed nothing")
    }

    @Test func aQueueNeverRunsMoreThanItsConcurrency() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        let gauge = Mutex((now: 0, peak: 0))
        registry.register(Self.note) { _, _ in
            gauge.withLock {
                $0.now += 1
                $0.peak = max($0.peak, $0.now)
            }
            try await Task.sleep(for: .milliseconds(5))
            gauge.withLock { $0.now -= 1 }
        }
        let (queue, worker) = try queueAndWorker(store, registry, queues: ["default": 3])
        let events = EventLog(worker)
        try await run(worker) {
            _ = try await queue.enqueue(Self.note, (0..<30).map { Note(text: "\($0)") })
            try await events.wait(count: 30) { if case .finished(_, .succeeded) = $0 { true } else { false } }
        }
        #expect(gauge.withLock { $0.peak } == 3)
    }

    @Test func gracefulShutdownReleasesWhatStillRunsWithoutCountingTheAttempt() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        // A handler that ignores cancellation: only the release ends its claim.
        registry.register(Self.note) { _, _ in
            while true {
                try? await Task.sleep(for: .milliseconds(20))
                if Task.isCancelled { break }
            }
        }
        let quick = JobType<Note>("test.quick")
        registry.register(quick) { _, _ in }
        let queue = JobQueue(store: store, registry: registry)
        let worker = try JobWorker(
            store: store,
            registry: registry,
            configuration: configuration(grace: .milliseconds(200)),
            logger: logger
        )
        let events = EventLog(worker)
        let stuck = try await run(worker) {
            let stuck = try await queue.enqueue(Self.note, Note(text: "stuck")).id
            try await events.wait(count: 1) { if case .started = $0 { true } else { false } }
            return stuck
        }
        let detail = try #require(try await store.job(stuck))
        #expect(detail.job.state == .pending && detail.job.attempt == 0, "released: ready at once, attempt not counted")
        #expect(detail.attempts.map(\.outcome) == [.released])
        #expect(try await store.workers(seenSince: .distantPast).isEmpty, "the worker removed its record")
    }

    @Test func aSignalWakesAnIdleWorkerWithoutWaitingForThePoll() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        registry.register(Self.note) { _, _ in }
        let signal = LocalJobSignal()
        let queue = JobQueue(store: store, registry: registry, signal: signal)
        var configuration = configuration()
        configuration.pollInterval = .seconds(3600)
        let worker = try JobWorker(
            store: store,
            registry: registry,
            signal: signal,
            configuration: configuration,
            logger: logger
        )
        let events = EventLog(worker)
        try await run(worker) {
            // Let the worker's first (empty) claim pass, then enqueue: only the signal can wake it now.
            try await Task.sleep(for: .milliseconds(50))
            let started = ContinuousClock.now
            _ = try await queue.enqueue(Self.note, Note(text: "now"))
            try await events.wait(count: 1) { if case .finished(_, .succeeded) = $0 { true } else { false } }
            // Far below the poll (an hour); generous for two loaded cores, where a test process can stall for
            // seconds while other suites start servers and browsers.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }

    @Test func enqueueRefusesMalformedPayloadsAndUnknownTypes() async throws {
        let store = InMemoryJobStore()
        let registry = JobRegistry()
        registry.declare(Self.note)
        let queue = JobQueue(store: store, registry: registry)
        for (payload, code) in [
            (#"{"text": 5}"#, JobsError.Code.invalidPayload), ("{", .invalidPayload), ("[]", .invalidPayload),
            (#"{"other":"x"}"#, .invalidPayload),
        ] {
            await #expect { _ = try await queue.enqueue(kind: "test.note", payload: Data(payload.utf8)) } throws: {
                ($0 as? JobsError)?.code == code
            }
        }
        await #expect { _ = try await queue.enqueue(kind: "nope", payload: Data("{}".utf8)) } throws: {
            ($0 as? JobsError)?.code == .unknownJobType
        }
        await #expect(throws: JobsError.self) {
            _ = try await queue.enqueue(
                kind: "test.note",
                payload: Data(#"{"text":"x"}"#.utf8),
                options: JobOptions(runAt: Date(), delay: .seconds(1))
            )
        }
        #expect(try await store.jobs(matching: JobFilter()).isEmpty)
    }

    @Test func backoffDoublesUpToItsMaximumWithFullJitter() {
        let policy = JobRetryPolicy.exponential(base: .seconds(1), maximum: .seconds(60))
        #expect(
            (1...8).map { policy.window(afterAttempt: $0) }
                == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) }
        )
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<1000).map { _ in policy.delay(afterAttempt: 4, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(delays.contains { $0 < .seconds(2) } && delays.contains { $0 > .seconds(6) }, "spread over the window")
        #expect(JobRetryPolicy.exponential(jitter: false).delay(afterAttempt: 3, using: &generator) == .seconds(4))
    }

    // MARK: Helpers

    /// A queue and a worker (the test configuration with these queues) on one store.
    func queueAndWorker(
        _ store: any JobStore,
        _ registry: JobRegistry,
        queues: [String: Int]
    ) throws -> (JobQueue, JobWorker) {
        let worker = try JobWorker(
            store: store,
            registry: registry,
            configuration: configuration(queues),
            logger: logger
        )
        return (JobQueue(store: store, registry: registry), worker)
    }

    /// Runs the worker in a service group around `body`, then shuts it down gracefully and runs `after`.
    func run<T: Sendable>(
        _ worker: JobWorker,
        _ body: () async throws -> T
    ) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let value = try await body()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

}

struct Timeout: Error {}

/// Something to wait for that knows nothing of task cancellation, opened once.
final class Gate: Sendable {
    let state = Mutex((open: false, waiters: [CheckedContinuation<Void, Never>]()))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A store whose `finish` calls wait until it is opened; everything else goes straight to the store inside.
final class GatedFinishStore: JobStore {
    let inner: any JobStore
    let gate = Gate()
    let waiting = Mutex((count: 0, waiters: [(Int, CheckedContinuation<Void, Never>)]()))

    init(_ inner: any JobStore) { self.inner = inner }

    func open() { gate.open() }

    /// Returns once `count` finish calls have waited at the gate.
    func waitForHeldFinishes(atLeast count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = waiting.withLock { state in
                if state.count < count { state.waiters.append((count, continuation)) }
                return state.count >= count
            }
            if ready { continuation.resume() }
        }
    }

    func finish(_ finishes: [JobFinish], at now: Date) async throws -> [Bool] {
        let ready = waiting.withLock { state in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
        await gate.wait()
        return try await inner.finish(finishes, at: now)
    }

    func enqueue(_ jobs: [NewJob], at now: Date) async throws -> [EnqueueOutcome] {
        try await inner.enqueue(jobs, at: now)
    }
    func claim(_ request: ClaimRequest, at now: Date) async throws -> [ClaimedJob] {
        try await inner.claim(request, at: now)
    }
    func extend(_ leases: [JobLease], by duration: Duration, at now: Date) async throws -> [LeaseStatus] {
        try await inner.extend(leases, by: duration, at: now)
    }
    func rescueExpiredLeases(at now: Date) async throws -> Int { try await inner.rescueExpiredLeases(at: now) }
    func cancel(_ id: JobID, at now: Date) async throws -> JobRecord { try await inner.cancel(id, at: now) }
    func job(_ id: JobID) async throws -> JobDetail? { try await inner.job(id) }
    func jobs(matching filter: JobFilter) async throws -> [JobRecord] { try await inner.jobs(matching: filter) }
    func replay(_ selection: JobSelection, at now: Date) async throws -> [JobID] {
        try await inner.replay(selection, at: now)
    }
    func purge(_ selection: JobSelection) async throws -> Int { try await inner.purge(selection) }
    func prune(finishedBefore: Date, deadBefore: Date, limit: Int) async throws -> Int {
        try await inner.prune(finishedBefore: finishedBefore, deadBefore: deadBefore, limit: limit)
    }
    func updateQueue(_ queue: String, paused: Bool?, concurrencyLimit: Int??) async throws -> JobQueueSettings {
        try await inner.updateQueue(queue, paused: paused, concurrencyLimit: concurrencyLimit)
    }
    func statistics(at now: Date) async throws -> [JobQueueStatistics] { try await inner.statistics(at: now) }
    func activity(since: Date) async throws -> [JobActivity] { try await inner.activity(since: since) }
    func recordWorker(_ worker: JobWorkerRecord) async throws { try await inner.recordWorker(worker) }
    func removeWorker(_ id: String) async throws { try await inner.removeWorker(id) }
    func workers(seenSince: Date) async throws -> [JobWorkerRecord] { try await inner.workers(seenSince: seenSince) }
}

/// Every event of a worker since its creation; waits resume as soon as enough matching events arrived (at most
/// 20 s: a generous bound, never a sleep).
final class EventLog: Sendable {
    struct Waiter {
        var count: Int
        var predicate: @Sendable (JobWorker.Event) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    let state = Mutex((events: [JobWorker.Event](), waiters: [Int: Waiter](), next: 0))
    let task: Task<Void, Never>

    init(_ worker: JobWorker) {
        let stream = worker.events()
        let box = Mutex<EventLog?>(nil)
        task = Task {
            for await event in stream {
                box.withLock { $0 }?.append(event)
            }
        }
        box.withLock { $0 = self }
    }

    deinit { task.cancel() }

    var events: [JobWorker.Event] { state.withLock { $0.events } }

    func append(_ event: JobWorker.Event) {
        let ready = state.withLock { state in
            state.events.append(event)
            var ready: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters where state.events.count(where: waiter.predicate) >= waiter.count {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until `count` events matching `predicate` arrived in all; throws `Timeout` after 20 s (the waiter is
    /// taken out and resumed, so a timeout fails the test instead of hanging it).
    func wait(count: Int, _ predicate: @escaping @Sendable (JobWorker.Event) -> Bool) async throws {
        let id = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let done = self.state.withLock { state in
                            if state.events.count(where: predicate) >= count || Task.isCancelled { return true }
                            state.waiters[id] = Waiter(count: count, predicate: predicate, continuation: continuation)
                            return false
                        }
                        if done { continuation.resume() }
                    }
                } onCancel: {
                    self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                throw Timeout()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
