public import Foundation
import Synchronization

/// Jobs in this process's memory: the reference implementation of ``JobStore``'s semantics, for tests and for
/// the logic above the store. Nothing survives the process.
public final class InMemoryJobStore: JobStore {
    struct State {
        var nextID: Int64 = 1
        var jobs: [JobID: JobRecord] = [:]
        var attempts: [JobID: [JobAttempt]] = [:]
        var queues: [String: JobQueueSettings] = [:]
        var workers: [String: JobWorkerRecord] = [:]
    }

    let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    // MARK: Producers

    public func enqueue(_ jobs: [NewJob], at now: Date) async throws -> [EnqueueOutcome] {
        for job in jobs { try job.validate() }
        return state.withLock { state in
            var outcomes: [EnqueueOutcome] = []
            outcomes.reserveCapacity(jobs.count)
            for job in jobs {
                if let key = job.uniqueKey, let holder = state.holder(ofUniqueKey: key, at: now) {
                    outcomes.append(.duplicate(of: holder))
                    continue
                }
                let id = JobID(state.nextID)
                state.nextID += 1
                state.jobs[id] = JobRecord(id: id, job: job, createdAt: now)
                outcomes.append(.enqueued(id))
            }
            return outcomes
        }
    }

    // MARK: Workers

    public func claim(_ request: ClaimRequest, at now: Date) async throws -> [ClaimedJob] {
        try JobLimits.validateName(request.queue, what: "queue")
        guard (1...1_000).contains(request.limit) else {
            throw JobsError(.invalidRequest, "a claim takes 1 to 1,000 jobs")
        }
        return state.withLock { state in
            let settings = state.queues[request.queue]
            if settings?.paused == true { return [] }
            let running = state.jobs.values.filter { $0.state == .running }
            var limit = request.limit
            if let global = settings?.concurrencyLimit {
                limit = min(limit, global - running.filter { $0.queue == request.queue }.count)
            }
            guard limit > 0 else { return [] }
            var heldKeys = Set(running.compactMap(\.concurrencyKey))
            let ready = state.jobs.values
                .filter { $0.queue == request.queue && $0.state == .pending && $0.runAt <= now }
                .sorted { a, b in
                    if a.priority != b.priority { return a.priority > b.priority }
                    if a.runAt != b.runAt { return a.runAt < b.runAt }
                    return a.id < b.id
                }
            var claimed: [ClaimedJob] = []
            let expiresAt = now.addingTimeInterval(request.leaseDuration.seconds)
            for candidate in ready where claimed.count < limit {
                if let key = candidate.concurrencyKey {
                    guard !heldKeys.contains(key) else { continue }
                    heldKeys.insert(key)
                }
                var job = candidate
                job.state = .running
                job.attempt += 1
                job.claims += 1
                job.workerID = request.workerID
                job.leaseExpiresAt = expiresAt
                state.jobs[job.id] = job
                state.attempts[job.id, default: []].append(
                    JobAttempt(
                        claim: job.claims,
                        attempt: job.attempt,
                        workerID: request.workerID,
                        startedAt: now,
                        finishedAt: nil,
                        outcome: .running,
                        error: nil
                    )
                )
                claimed.append(
                    ClaimedJob(
                        job: job,
                        lease: JobLease(jobID: job.id, token: job.claims, attempt: job.attempt, expiresAt: expiresAt)
                    )
                )
            }
            return claimed
        }
    }

    public func extend(_ leases: [JobLease], by duration: Duration, at now: Date) async throws -> [LeaseStatus] {
        state.withLock { state in
            leases.map { lease in
                guard var job = state.held(lease, at: now) else { return .lost }
                let expiresAt = now.addingTimeInterval(duration.seconds)
                job.leaseExpiresAt = expiresAt
                state.jobs[job.id] = job
                return .held(expiresAt: expiresAt, cancelRequested: job.cancelRequested)
            }
        }
    }

    public func finish(_ finishes: [JobFinish], at now: Date) async throws -> [Bool] {
        state.withLock { state in
            finishes.map { finish in
                guard var job = state.held(finish.lease, at: now) else { return false }
                let outcome: JobAttempt.Outcome
                var error: String?
                switch finish.outcome {
                case .completed(let result):
                    job.state = .completed
                    job.result = result
                    job.finishedAt = now
                    outcome = .succeeded
                case .retry(let at, let message, let attemptOutcome):
                    job.state = .pending
                    job.runAt = at
                    job.lastError = JobLimits.truncatedError(message)
                    error = job.lastError
                    outcome = attemptOutcome
                case .dead(let message, let attemptOutcome):
                    job.state = .dead
                    job.lastError = JobLimits.truncatedError(message)
                    job.finishedAt = now
                    error = job.lastError
                    outcome = attemptOutcome
                case .cancelled(let message):
                    job.state = .cancelled
                    job.finishedAt = now
                    error = message.map(JobLimits.truncatedError)
                    if let error { job.lastError = error }
                    outcome = .cancelled
                case .released:
                    job.state = .pending
                    job.runAt = now
                    job.attempt -= 1
                    outcome = .released
                }
                job.workerID = nil
                job.leaseExpiresAt = nil
                if job.state != .running && job.state != .pending { job.cancelRequested = false }
                if job.state == .pending { job.cancelRequested = false }
                state.jobs[job.id] = job
                state.finishAttempt(of: job.id, claim: finish.lease.token, at: now, outcome: outcome, error: error)
                return true
            }
        }
    }

    public func rescueExpiredLeases(at now: Date) async throws -> Int {
        state.withLock { state in
            var moved = 0
            for (id, var job) in state.jobs where job.state == .running {
                guard let expiry = job.leaseExpiresAt, expiry < now else { continue }
                let claim = job.claims
                let message = "the worker's lease expired (worker \(job.workerID ?? "unknown"))"
                if job.cancelRequested {
                    job.state = .cancelled
                    job.finishedAt = now
                } else if job.attempt >= job.maxAttempts {
                    job.state = .dead
                    job.finishedAt = now
                    job.lastError = message
                } else {
                    job.state = .pending
                    job.runAt = now
                    job.lastError = message
                }
                job.cancelRequested = false
                job.workerID = nil
                job.leaseExpiresAt = nil
                state.jobs[id] = job
                state.finishAttempt(of: id, claim: claim, at: now, outcome: .leaseExpired, error: message)
                moved += 1
            }
            return moved
        }
    }

    // MARK: Operators

    public func cancel(_ id: JobID, at now: Date) async throws -> JobRecord {
        try state.withLock { state in
            guard var job = state.jobs[id] else { throw JobsError(.unknownJob, "no job has the ID \(id)") }
            switch job.state {
            case .pending:
                job.state = .cancelled
                job.finishedAt = now
            case .running:
                job.cancelRequested = true
            case .completed, .dead, .cancelled:
                return job
            }
            state.jobs[id] = job
            return job
        }
    }

    public func job(_ id: JobID) async throws -> JobDetail? {
        state.withLock { state in
            state.jobs[id].map { JobDetail(job: $0, attempts: state.attempts[id] ?? []) }
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> [JobRecord] {
        try filter.validate()
        return state.withLock { state in state.matching(filter) }
    }

    public func replay(_ selection: JobSelection, at now: Date) async throws -> [JobID] {
        try selection.validate()
        return state.withLock { state in
            var replayed: [JobID] = []
            for id in state.dead(selection) {
                guard var job = state.jobs[id] else { continue }
                if let key = job.uniqueKey, state.holder(ofUniqueKey: key, at: now) != nil { continue }
                job.state = .pending
                job.runAt = now
                job.attempt = 0
                job.lastError = nil
                job.finishedAt = nil
                state.jobs[id] = job
                replayed.append(id)
            }
            return replayed
        }
    }

    public func purge(_ selection: JobSelection) async throws -> Int {
        try selection.validate()
        return state.withLock { state in
            let ids = state.dead(selection)
            for id in ids {
                state.jobs[id] = nil
                state.attempts[id] = nil
            }
            return ids.count
        }
    }

    public func prune(finishedBefore: Date, deadBefore: Date, limit: Int) async throws -> Int {
        state.withLock { state in
            let ids = state.jobs.values.filter { job in
                guard let finished = job.finishedAt else { return false }
                switch job.state {
                case .completed, .cancelled: return finished < finishedBefore
                case .dead: return finished < deadBefore
                case .pending, .running: return false
                }
            }.map(\.id).sorted().prefix(max(0, limit))
            for id in ids {
                state.jobs[id] = nil
                state.attempts[id] = nil
            }
            return ids.count
        }
    }

    // MARK: Queues

    public func updateQueue(_ queue: String, paused: Bool?, concurrencyLimit: Int??) async throws -> JobQueueSettings {
        try JobLimits.validateName(queue, what: "queue")
        if case .some(.some(let limit)) = concurrencyLimit, !(1...10_000).contains(limit) {
            throw JobsError(.invalidRequest, "a queue's concurrency limit is between 1 and 10,000")
        }
        return state.withLock { state in
            var settings = state.queues[queue] ?? JobQueueSettings(queue: queue)
            if let paused { settings.paused = paused }
            if let concurrencyLimit { settings.concurrencyLimit = concurrencyLimit }
            state.queues[queue] = settings
            return settings
        }
    }

    public func statistics(at now: Date) async throws -> [JobQueueStatistics] {
        state.withLock { state in
            var statistics: [String: JobQueueStatistics] = [:]
            for settings in state.queues.values {
                statistics[settings.queue] = JobQueueStatistics(
                    queue: settings.queue,
                    paused: settings.paused,
                    concurrencyLimit: settings.concurrencyLimit
                )
            }
            for job in state.jobs.values {
                var entry = statistics[job.queue] ?? JobQueueStatistics(queue: job.queue)
                switch job.state {
                case .pending where job.runAt <= now:
                    entry.ready += 1
                    let age = Duration.seconds(now.timeIntervalSince(job.runAt))
                    if age > entry.oldestReadyAge { entry.oldestReadyAge = age }
                case .pending: entry.scheduled += 1
                case .running: entry.running += 1
                case .completed: entry.completed += 1
                case .dead: entry.dead += 1
                case .cancelled: entry.cancelled += 1
                }
                statistics[job.queue] = entry
            }
            return statistics.values.sorted { $0.queue < $1.queue }
        }
    }

    public func activity(since: Date) async throws -> [JobActivity] {
        state.withLock { state in
            var buckets: [String: JobActivity] = [:]
            for job in state.jobs.values {
                guard let finished = job.finishedAt, finished >= since else { continue }
                let minute = Date(timeIntervalSince1970: (finished.timeIntervalSince1970 / 60).rounded(.down) * 60)
                let key = "\(job.queue)\u{0}\(minute.timeIntervalSince1970)"
                var bucket = buckets[key] ?? JobActivity(queue: job.queue, minute: minute)
                switch job.state {
                case .completed: bucket.completed += 1
                case .dead: bucket.dead += 1
                case .cancelled: bucket.cancelled += 1
                case .pending, .running: break
                }
                buckets[key] = bucket
            }
            return buckets.values.sorted { ($0.queue, $0.minute) < ($1.queue, $1.minute) }
        }
    }

    // MARK: Worker registry

    public func recordWorker(_ worker: JobWorkerRecord) async throws {
        state.withLock { state in
            var record = worker
            record.running = []
            state.workers[worker.id] = record
        }
    }

    public func removeWorker(_ id: String) async throws {
        _ = state.withLock { state in state.workers.removeValue(forKey: id) }
    }

    public func workers(seenSince: Date) async throws -> [JobWorkerRecord] {
        state.withLock { state in
            state.workers = state.workers.filter { $0.value.lastSeenAt >= seenSince }
            let running = Dictionary(
                grouping: state.jobs.values.filter { $0.state == .running && $0.workerID != nil },
                by: { $0.workerID! }
            )
            return state.workers.values.map { worker in
                var record = worker
                record.running = (running[worker.id] ?? []).map(\.id).sorted()
                return record
            }.sorted { $0.id < $1.id }
        }
    }
}

extension InMemoryJobStore.State {
    /// The job holding a unique key at `now`: pending or running, or completed within its `uniqueFor`.
    func holder(ofUniqueKey key: String, at now: Date) -> JobID? {
        jobs.values.first { job in
            guard job.uniqueKey == key else { return false }
            if job.state.isActive { return true }
            if job.state == .completed, let uniqueFor = job.uniqueFor, let finished = job.finishedAt {
                return finished.addingTimeInterval(uniqueFor.seconds) > now
            }
            return false
        }?.id
    }

    /// The job a lease still holds at `now`, or nil when the lease was lost.
    func held(_ lease: JobLease, at now: Date) -> JobRecord? {
        guard let job = jobs[lease.jobID], job.state == .running, job.claims == lease.token,
            let expiry = job.leaseExpiresAt, expiry >= now
        else { return nil }
        return job
    }

    mutating func finishAttempt(of id: JobID, claim: Int, at now: Date, outcome: JobAttempt.Outcome, error: String?) {
        guard let index = attempts[id]?.lastIndex(where: { $0.claim == claim }) else { return }
        attempts[id]![index].finishedAt = now
        attempts[id]![index].outcome = outcome
        attempts[id]![index].error = error
    }

    func matching(_ filter: JobFilter) -> [JobRecord] {
        jobs.values.filter { job in
            (filter.state.map { job.state == $0 } ?? true) && (filter.queue.map { job.queue == $0 } ?? true)
                && (filter.kind.map { job.kind == $0 } ?? true) && (filter.before.map { job.id < $0 } ?? true)
        }
        .sorted { $0.id > $1.id }
        .prefix(filter.limit)
        .map { $0 }
    }

    func dead(_ selection: JobSelection) -> [JobID] {
        switch selection {
        case .ids(let ids):
            var seen: Set<JobID> = []
            return ids.filter { jobs[$0]?.state == .dead && seen.insert($0).inserted }
        case .matching(var filter):
            filter.state = .dead
            return matching(filter).map(\.id)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) * 1e-18
    }
}
