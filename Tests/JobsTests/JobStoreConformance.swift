import Foundation
import Jobs
import Testing

/// The semantics every ``JobStore`` shares, as one suite run against each store: `InMemoryJobStoreTests`,
/// `SQLiteJobStoreTests` and `PostgresJobStoreTests` each run every case on a fresh, empty store. Time is
/// injected (`now` passed to every call), so no case sleeps. Races between processes are store-specific and
/// live in each store's own tests.
enum JobStoreConformance: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case enqueueStoresEveryField
    case enqueueValidatesBeforeWriting
    case claimOrderAndReadiness
    case claimSetsLeaseAndHistory
    case completeKeepsResult
    case retryWaitsForItsTime
    case deadGoesToDeadLetterQueue
    case expiredLeaseIsFenced
    case reclaimedJobFencesTheOldWorker
    case extendMovesExpiryAndReportsCancel
    case rescueReturnsExpiredJobs
    case releaseDoesNotCountTheAttempt
    case uniqueKeysDeduplicate
    case uniqueForHoldsAfterCompletion
    case concurrencyKeysRunOneAtATime
    case queueConcurrencyLimit
    case pauseAndResume
    case cancelPendingAndRunning
    case listFiltersAndPages
    case replayGivesAFreshStart
    case purgeDeletesOnlyDeadJobs
    case pruneKeepsTheRetention
    case statisticsPerQueue
    case activityPerMinute
    case workerRegistry
    case batchedFinishReportsEachLease

    var testDescription: String { rawValue }

    /// Runs the case on an empty store.
    func run(on store: some JobStore) async throws {
        switch self {
        case .enqueueStoresEveryField: try await enqueueStoresEveryField(store)
        case .enqueueValidatesBeforeWriting: try await enqueueValidatesBeforeWriting(store)
        case .claimOrderAndReadiness: try await claimOrderAndReadiness(store)
        case .claimSetsLeaseAndHistory: try await claimSetsLeaseAndHistory(store)
        case .completeKeepsResult: try await completeKeepsResult(store)
        case .retryWaitsForItsTime: try await retryWaitsForItsTime(store)
        case .deadGoesToDeadLetterQueue: try await deadGoesToDeadLetterQueue(store)
        case .expiredLeaseIsFenced: try await expiredLeaseIsFenced(store)
        case .reclaimedJobFencesTheOldWorker: try await reclaimedJobFencesTheOldWorker(store)
        case .extendMovesExpiryAndReportsCancel: try await extendMovesExpiryAndReportsCancel(store)
        case .rescueReturnsExpiredJobs: try await rescueReturnsExpiredJobs(store)
        case .releaseDoesNotCountTheAttempt: try await releaseDoesNotCountTheAttempt(store)
        case .uniqueKeysDeduplicate: try await uniqueKeysDeduplicate(store)
        case .uniqueForHoldsAfterCompletion: try await uniqueForHoldsAfterCompletion(store)
        case .concurrencyKeysRunOneAtATime: try await concurrencyKeysRunOneAtATime(store)
        case .queueConcurrencyLimit: try await queueConcurrencyLimit(store)
        case .pauseAndResume: try await pauseAndResume(store)
        case .cancelPendingAndRunning: try await cancelPendingAndRunning(store)
        case .listFiltersAndPages: try await listFiltersAndPages(store)
        case .replayGivesAFreshStart: try await replayGivesAFreshStart(store)
        case .purgeDeletesOnlyDeadJobs: try await purgeDeletesOnlyDeadJobs(store)
        case .pruneKeepsTheRetention: try await pruneKeepsTheRetention(store)
        case .statisticsPerQueue: try await statisticsPerQueue(store)
        case .activityPerMinute: try await activityPerMinute(store)
        case .workerRegistry: try await workerRegistry(store)
        case .batchedFinishReportsEachLease: try await batchedFinishReportsEachLease(store)
        }
    }
}

// MARK: Helpers

/// A fixed start (whole seconds) and offsets in milliseconds.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)
func at(_ milliseconds: Int) -> Date { t0.addingTimeInterval(Double(milliseconds) / 1000) }
let lease: Duration = .seconds(30)

func job(
    _ kind: String = "noop",
    queue: String = "default",
    payload: String = "{}",
    priority: Int = 0,
    runAt: Date = t0,
    maxAttempts: Int = 3,
    uniqueKey: String? = nil,
    uniqueFor: Duration? = nil,
    concurrencyKey: String? = nil
) -> NewJob {
    NewJob(
        kind: kind,
        queue: queue,
        payload: Data(payload.utf8),
        priority: priority,
        runAt: runAt,
        maxAttempts: maxAttempts,
        uniqueKey: uniqueKey,
        uniqueFor: uniqueFor,
        concurrencyKey: concurrencyKey,
        timeout: .seconds(10)
    )
}

func claim(
    _ store: some JobStore,
    queue: String = "default",
    limit: Int = 10,
    worker: String = "w1",
    at now: Date = t0
) async throws -> [ClaimedJob] {
    try await store.claim(ClaimRequest(queue: queue, limit: limit, workerID: worker, leaseDuration: lease), at: now)
}

func ids(_ outcomes: [EnqueueOutcome]) -> [JobID] { outcomes.map(\.id) }

/// Dates equal to the millisecond (stores may keep microseconds or floating seconds).
func sameTime(_ a: Date?, _ b: Date?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case (let a?, let b?): abs(a.timeIntervalSince(b)) < 0.001
    default: false
    }
}

func detail(_ store: some JobStore, _ id: JobID) async throws -> JobDetail {
    try #require(try await store.job(id))
}

// MARK: Cases

extension JobStoreConformance {
    func enqueueStoresEveryField(_ store: some JobStore) async throws {
        let payload = #"{"to":"ada@example.com","n":[1,2,3],"s":"\u00e9 \" <x>"}"#
        let new = NewJob(
            kind: "mail.send",
            queue: "mail",
            payload: Data(payload.utf8),
            priority: 7,
            runAt: at(1500),
            maxAttempts: 5,
            uniqueKey: "mail:42",
            uniqueFor: .seconds(60),
            concurrencyKey: "user:7",
            timeout: .milliseconds(2500)
        )
        let outcomes = try await store.enqueue([new, job()], at: t0)
        guard case .enqueued(let id) = outcomes[0], case .enqueued(let second) = outcomes[1] else {
            Issue.record("expected two new jobs, got \(outcomes)")
            return
        }
        #expect(id.rawValue > 0 && second > id)
        let stored = try await detail(store, id)
        #expect(stored.attempts.isEmpty)
        let record = stored.job
        #expect(record.id == id && record.kind == "mail.send" && record.queue == "mail")
        #expect(
            try JSONSerialization.jsonObject(with: record.payload) as? NSDictionary
                == JSONSerialization.jsonObject(with: Data(payload.utf8)) as? NSDictionary
        )
        #expect(record.priority == 7 && record.maxAttempts == 5 && record.attempt == 0 && record.claims == 0)
        #expect(record.state == .pending && sameTime(record.runAt, at(1500)) && sameTime(record.createdAt, t0))
        #expect(record.uniqueKey == "mail:42" && record.uniqueFor == .seconds(60) && record.concurrencyKey == "user:7")
        #expect(record.timeout == .milliseconds(2500))
        #expect(record.workerID == nil && record.leaseExpiresAt == nil && !record.cancelRequested)
        #expect(record.result == nil && record.lastError == nil && record.finishedAt == nil)
        #expect(try await store.job(JobID(999_999)) == nil)
    }

    func enqueueValidatesBeforeWriting(_ store: some JobStore) async throws {
        let invalid: [NewJob] = [
            job(queue: "bad queue"), job(""), job(priority: 101), job(maxAttempts: 0),
            job(uniqueKey: ""), job(concurrencyKey: String(repeating: "k", count: 256)),
            job(uniqueKey: "a\u{0}b"),
            NewJob(kind: "big", payload: Data(count: JobLimits.maxPayloadBytes + 1), runAt: t0),
            NewJob(kind: "t", payload: Data("{}".utf8), runAt: t0, timeout: .zero),
        ]
        for bad in invalid {
            await #expect(throws: JobsError.self) { try await store.enqueue([job(), bad], at: t0) }
        }
        #expect(try await store.jobs(matching: JobFilter()).isEmpty, "a rejected bulk enqueue stores nothing")
        #expect(try await store.statistics(at: t0).allSatisfy { $0.ready == 0 })
    }

    func claimOrderAndReadiness(_ store: some JobStore) async throws {
        let enqueued = ids(
            try await store.enqueue(
                [
                    job(priority: 0, runAt: at(0)),  // 0
                    job(priority: 5, runAt: at(2)),  // 1
                    job(priority: 5, runAt: at(1)),  // 2
                    job(priority: 0, runAt: at(0)),  // 3 (same as 0, higher ID)
                    job(priority: 9, runAt: at(5000)),  // 4 scheduled
                    job(queue: "other", priority: 100),  // 5 other queue
                    job(priority: -3),  // 6
                ],
                at: t0
            )
        )
        let first = try await claim(store, limit: 3, at: at(10))
        #expect(first.map(\.job.id) == [enqueued[2], enqueued[1], enqueued[0]])
        let second = try await claim(store, limit: 10, at: at(10))
        #expect(second.map(\.job.id) == [enqueued[3], enqueued[6]], "scheduled and other queues are left")
        #expect(try await claim(store, at: at(10)).isEmpty)
        let later = try await claim(store, at: at(5000))
        #expect(later.map(\.job.id) == [enqueued[4]], "a job is ready once its runAt has come")
        #expect(try await claim(store, queue: "other", at: at(10)).map(\.job.id) == [enqueued[5]])
    }

    func claimSetsLeaseAndHistory(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job()], at: t0))[0]
        let claimed = try #require(try await claim(store, worker: "host-1:42", at: at(100)).first)
        #expect(claimed.job.state == .running && claimed.job.attempt == 1 && claimed.job.claims == 1)
        #expect(claimed.job.workerID == "host-1:42" && sameTime(claimed.job.leaseExpiresAt, at(30_100)))
        #expect(claimed.lease.jobID == id && claimed.lease.token == 1 && claimed.lease.attempt == 1)
        #expect(sameTime(claimed.lease.expiresAt, at(30_100)))
        let stored = try await detail(store, id)
        #expect(stored.job.state == .running && stored.job.workerID == "host-1:42")
        #expect(stored.attempts.count == 1)
        let attempt = try #require(stored.attempts.first)
        #expect(attempt.claim == 1 && attempt.attempt == 1 && attempt.workerID == "host-1:42")
        #expect(attempt.outcome == .running && sameTime(attempt.startedAt, at(100)) && attempt.finishedAt == nil)
    }

    func completeKeepsResult(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job()], at: t0))[0]
        let claimed = try #require(try await claim(store).first)
        let result = Data(#"{"sent":true}"#.utf8)
        #expect(
            try await store.finish([JobFinish(lease: claimed.lease, outcome: .completed(result: result))], at: at(250))
                == [true]
        )
        let stored = try await detail(store, id)
        #expect(stored.job.state == .completed && sameTime(stored.job.finishedAt, at(250)))
        #expect(
            try JSONSerialization.jsonObject(with: try #require(stored.job.result)) as? NSDictionary == ["sent": true]
        )
        #expect(stored.job.workerID == nil && stored.job.leaseExpiresAt == nil)
        #expect(stored.attempts.map(\.outcome) == [.succeeded])
        #expect(sameTime(stored.attempts.first?.finishedAt, at(250)))
        #expect(stored.attempts.first?.duration == .milliseconds(250))
        #expect(try await claim(store, at: at(100_000)).isEmpty, "a completed job never runs again")
        #expect(
            try await store.finish([JobFinish(lease: claimed.lease, outcome: .completed(result: nil))], at: at(260))
                == [false],
            "a finished lease cannot finish twice"
        )
    }

    func retryWaitsForItsTime(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job()], at: t0))[0]
        let first = try #require(try await claim(store).first)
        let retry = JobFinish(
            lease: first.lease,
            outcome: .retry(at: at(5000), error: "smtp timeout", outcome: .failed)
        )
        #expect(try await store.finish([retry], at: at(100)) == [true])
        var stored = try await detail(store, id)
        #expect(stored.job.state == .pending && sameTime(stored.job.runAt, at(5000)))
        #expect(stored.job.lastError == "smtp timeout" && stored.job.attempt == 1 && stored.job.finishedAt == nil)
        #expect(stored.attempts.map(\.outcome) == [.failed] && stored.attempts.first?.error == "smtp timeout")
        #expect(try await claim(store, at: at(4999)).isEmpty, "not before its retry time")
        let second = try #require(try await claim(store, at: at(5000)).first)
        #expect(second.lease.attempt == 2 && second.lease.token == 2)
        let timedOut = JobFinish(
            lease: second.lease,
            outcome: .retry(at: at(9000), error: "timed out", outcome: .timedOut)
        )
        #expect(try await store.finish([timedOut], at: at(5100)) == [true])
        stored = try await detail(store, id)
        #expect(stored.attempts.map(\.outcome) == [.failed, .timedOut])
        #expect(stored.attempts.map(\.attempt) == [1, 2])
    }

    func deadGoesToDeadLetterQueue(_ store: some JobStore) async throws {
        let outcomes = try await store.enqueue([job(), job()], at: t0)
        let claimed = try await claim(store)
        let finishes = [
            JobFinish(lease: claimed[0].lease, outcome: .dead(error: "invalid address", outcome: .poisoned)),
            JobFinish(lease: claimed[1].lease, outcome: .dead(error: "gave up", outcome: .failed)),
        ]
        #expect(try await store.finish(finishes, at: at(10)) == [true, true])
        let dead = try await store.jobs(matching: JobFilter(state: .dead))
        #expect(dead.map(\.id) == ids(outcomes).reversed())
        let first = try await detail(store, outcomes[0].id)
        #expect(first.job.lastError == "invalid address" && sameTime(first.job.finishedAt, at(10)))
        #expect(first.attempts.map(\.outcome) == [.poisoned])
        #expect(try await claim(store, at: at(100_000)).isEmpty)
    }

    func expiredLeaseIsFenced(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job()], at: t0))[0]
        let claimed = try #require(try await claim(store).first)
        let after = at(30_001)
        #expect(try await store.extend([claimed.lease], by: lease, at: after) == [.lost])
        #expect(
            try await store.finish([JobFinish(lease: claimed.lease, outcome: .completed(result: nil))], at: after) == [
                false
            ]
        )
        let stored = try await detail(store, id)
        #expect(stored.job.state == .running && stored.job.attempt == 1, "a fenced call changes nothing")
        #expect(
            try await store.finish([JobFinish(lease: claimed.lease, outcome: .completed(result: nil))], at: at(30_000))
                == [true],
            "the lease holds until its expiry instant"
        )
    }

    func reclaimedJobFencesTheOldWorker(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job()], at: t0))[0]
        let old = try #require(try await claim(store, worker: "paused").first)
        #expect(try await store.rescueExpiredLeases(at: at(31_000)) == 1)
        let new = try #require(try await claim(store, worker: "fresh", at: at(31_000)).first)
        #expect(new.lease.token == 2 && new.lease.attempt == 2)
        // The paused worker wakes up well within what would have been a fresh lease: still fenced by the token.
        let wake = at(31_500)
        #expect(try await store.extend([old.lease], by: lease, at: wake) == [.lost])
        #expect(
            try await store.finish([JobFinish(lease: old.lease, outcome: .completed(result: nil))], at: wake) == [false]
        )
        #expect(
            try await store.finish(
                [JobFinish(lease: old.lease, outcome: .dead(error: "x", outcome: .failed))],
                at: wake
            ) == [false]
        )
        guard case .held = try await store.extend([new.lease], by: lease, at: wake)[0] else {
            Issue.record("the new holder's lease must still be held")
            return
        }
        #expect(
            try await store.finish([JobFinish(lease: new.lease, outcome: .completed(result: nil))], at: at(32_000)) == [
                true
            ]
        )
        let stored = try await detail(store, id)
        #expect(stored.job.state == .completed)
        #expect(stored.attempts.map(\.outcome) == [.leaseExpired, .succeeded])
        #expect(stored.attempts.map(\.workerID) == ["paused", "fresh"])
    }

    func extendMovesExpiryAndReportsCancel(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job()], at: t0))[0]
        let claimed = try #require(try await claim(store).first)
        let extended = try await store.extend([claimed.lease], by: lease, at: at(20_000))
        guard case .held(let newExpiry, false) = extended.first else {
            Issue.record("expected the lease held without a cancel, got \(extended)")
            return
        }
        #expect(sameTime(newExpiry, at(50_000)))
        #expect(sameTime(try await store.job(id)?.job.leaseExpiresAt, at(50_000)))
        // Past the original expiry, but within the extended one.
        _ = try await store.cancel(id, at: at(40_000))
        let status = try await store.extend([claimed.lease], by: lease, at: at(45_000))
        guard case .held(let expiresAt, let cancelRequested) = status[0] else {
            Issue.record("expected the lease held, got \(status)")
            return
        }
        #expect(sameTime(expiresAt, at(75_000)) && cancelRequested)
    }

    func rescueReturnsExpiredJobs(_ store: some JobStore) async throws {
        let outcomes = try await store.enqueue(
            [job(maxAttempts: 3), job(maxAttempts: 1), job(maxAttempts: 3), job(maxAttempts: 3)],
            at: t0
        )
        let claimed = try await claim(store, limit: 3)
        #expect(claimed.count == 3)
        _ = try await store.cancel(outcomes[2].id, at: at(10))
        // The fourth is claimed later: its lease outlives the rescue below.
        let late = try #require(try await claim(store, worker: "late", at: at(20_000)).first)
        #expect(try await store.rescueExpiredLeases(at: at(30_000)) == 0, "the lease holds until its expiry instant")
        #expect(try await store.rescueExpiredLeases(at: at(30_001)) == 3)
        #expect(try await store.rescueExpiredLeases(at: at(30_001)) == 0, "rescue is idempotent")
        let retried = try await detail(store, outcomes[0].id)
        #expect(retried.job.state == .pending && sameTime(retried.job.runAt, at(30_001)) && retried.job.attempt == 1)
        #expect(retried.job.workerID == nil && retried.job.leaseExpiresAt == nil && retried.job.lastError != nil)
        #expect(retried.attempts.map(\.outcome) == [.leaseExpired])
        #expect(try await detail(store, outcomes[1].id).job.state == .dead, "its only attempt expired")
        #expect(try await detail(store, outcomes[2].id).job.state == .cancelled, "a cancel was asked for")
        #expect(try await detail(store, late.job.id).job.state == .running)
        #expect(try await claim(store, worker: "w2", at: at(30_001)).map(\.job.id) == [outcomes[0].id])
    }

    func releaseDoesNotCountTheAttempt(_ store: some JobStore) async throws {
        let id = ids(try await store.enqueue([job(maxAttempts: 1)], at: t0))[0]
        let claimed = try #require(try await claim(store).first)
        #expect(try await store.finish([JobFinish(lease: claimed.lease, outcome: .released)], at: at(500)) == [true])
        let stored = try await detail(store, id)
        #expect(stored.job.state == .pending && stored.job.attempt == 0 && sameTime(stored.job.runAt, at(500)))
        #expect(stored.job.workerID == nil && stored.job.leaseExpiresAt == nil)
        #expect(stored.attempts.map(\.outcome) == [.released])
        let again = try #require(try await claim(store, worker: "w2", at: at(500)).first)
        #expect(again.lease.attempt == 1 && again.lease.token == 2, "its only attempt is still available")
    }

    func uniqueKeysDeduplicate(_ store: some JobStore) async throws {
        let first = try await store.enqueue(
            [job(uniqueKey: "report:7"), job(uniqueKey: "report:7"), job(uniqueKey: "other")],
            at: t0
        )
        guard case .enqueued(let holder) = first[0] else {
            Issue.record("the first job with a key is stored")
            return
        }
        #expect(first[1] == .duplicate(of: holder))
        #expect(try await store.enqueue([job(uniqueKey: "report:7")], at: at(1)) == [.duplicate(of: holder)])
        let claimed = try #require(try await claim(store, limit: 1).first)
        #expect(claimed.job.id == holder)
        #expect(
            try await store.enqueue([job(uniqueKey: "report:7")], at: at(2)) == [.duplicate(of: holder)],
            "running still holds"
        )
        _ = try await store.finish([JobFinish(lease: claimed.lease, outcome: .completed(result: nil))], at: at(3))
        guard case .enqueued(let next) = try await store.enqueue([job(uniqueKey: "report:7")], at: at(4))[0] else {
            Issue.record("without uniqueFor a completed job releases its key")
            return
        }
        // A dead job releases its key too.
        let running = try await claim(store, limit: 10, at: at(5))
        let nextLease = try #require(running.first { $0.job.id == next })
        _ = try await store.finish(
            [JobFinish(lease: nextLease.lease, outcome: .dead(error: "x", outcome: .poisoned))],
            at: at(6)
        )
        guard case .enqueued = try await store.enqueue([job(uniqueKey: "report:7")], at: at(7))[0] else {
            Issue.record("a dead job releases its key")
            return
        }
    }

    func uniqueForHoldsAfterCompletion(_ store: some JobStore) async throws {
        let holder = ids(try await store.enqueue([job(uniqueKey: "daily", uniqueFor: .seconds(60))], at: t0))[0]
        let claimed = try #require(try await claim(store).first)
        _ = try await store.finish([JobFinish(lease: claimed.lease, outcome: .completed(result: nil))], at: at(1000))
        #expect(try await store.enqueue([job(uniqueKey: "daily")], at: at(60_999)) == [.duplicate(of: holder)])
        guard case .enqueued = try await store.enqueue([job(uniqueKey: "daily")], at: at(61_000))[0] else {
            Issue.record("the key is free once finishedAt + uniqueFor has passed")
            return
        }
    }

    func concurrencyKeysRunOneAtATime(_ store: some JobStore) async throws {
        let outcomes = try await store.enqueue(
            [job(concurrencyKey: "acct:1"), job(concurrencyKey: "acct:1"), job(concurrencyKey: "acct:2"), job()],
            at: t0
        )
        let first = try await claim(store, limit: 10)
        #expect(first.map(\.job.id) == [outcomes[0].id, outcomes[2].id, outcomes[3].id], "one job per key per claim")
        #expect(try await claim(store, limit: 10, worker: "w2").isEmpty, "a held key blocks its other jobs")
        _ = try await store.finish([JobFinish(lease: first[0].lease, outcome: .completed(result: nil))], at: at(10))
        #expect(try await claim(store, limit: 10, worker: "w2", at: at(10)).map(\.job.id) == [outcomes[1].id])
    }

    func queueConcurrencyLimit(_ store: some JobStore) async throws {
        let settings = try await store.updateQueue("limited", paused: nil, concurrencyLimit: .some(2))
        #expect(settings == JobQueueSettings(queue: "limited", paused: false, concurrencyLimit: 2))
        _ = try await store.enqueue((0..<5).map { _ in job(queue: "limited") }, at: t0)
        let first = try await claim(store, queue: "limited", limit: 5)
        #expect(first.count == 2)
        #expect(try await claim(store, queue: "limited", limit: 5, worker: "w2").isEmpty)
        _ = try await store.finish([JobFinish(lease: first[0].lease, outcome: .completed(result: nil))], at: at(10))
        #expect(try await claim(store, queue: "limited", limit: 5, worker: "w2", at: at(10)).count == 1)
        _ = try await store.updateQueue("limited", paused: nil, concurrencyLimit: .some(nil))
        #expect(
            try await claim(store, queue: "limited", limit: 5, worker: "w3", at: at(10)).count == 2,
            "limit removed"
        )
        await #expect(throws: JobsError.self) {
            _ = try await store.updateQueue("limited", paused: nil, concurrencyLimit: .some(0))
        }
        await #expect(throws: JobsError.self) {
            _ = try await store.updateQueue("bad queue!", paused: true, concurrencyLimit: nil)
        }
    }

    func pauseAndResume(_ store: some JobStore) async throws {
        _ = try await store.enqueue([job(queue: "mail"), job(queue: "other")], at: t0)
        let paused = try await store.updateQueue("mail", paused: true, concurrencyLimit: nil)
        #expect(paused.paused)
        #expect(try await claim(store, queue: "mail").isEmpty)
        #expect(try await claim(store, queue: "other").count == 1, "pausing one queue leaves the others")
        let statistics = try await store.statistics(at: t0)
        #expect(statistics.first { $0.queue == "mail" }?.paused == true)
        #expect(try await store.updateQueue("mail", paused: false, concurrencyLimit: nil).paused == false)
        #expect(try await claim(store, queue: "mail").count == 1)
    }

    func cancelPendingAndRunning(_ store: some JobStore) async throws {
        let outcomes = try await store.enqueue([job(), job()], at: t0)
        let cancelled = try await store.cancel(outcomes[0].id, at: at(5))
        #expect(cancelled.state == .cancelled && sameTime(cancelled.finishedAt, at(5)))
        let running = try #require(try await claim(store).first)
        #expect(running.job.id == outcomes[1].id, "a cancelled job is never claimed")
        let requested = try await store.cancel(outcomes[1].id, at: at(10))
        #expect(requested.state == .running && requested.cancelRequested)
        #expect(
            try await store.finish(
                [JobFinish(lease: running.lease, outcome: .cancelled(error: "cancelled by an operator"))],
                at: at(20)
            ) == [true]
        )
        let stored = try await detail(store, outcomes[1].id)
        #expect(stored.job.state == .cancelled && stored.attempts.map(\.outcome) == [.cancelled])
        #expect(try await store.cancel(outcomes[1].id, at: at(30)).state == .cancelled, "a finished job is unchanged")
        await #expect(throws: JobsError.self) { _ = try await store.cancel(JobID(987_654), at: at(30)) }
        do {
            _ = try await store.cancel(JobID(987_654), at: at(30))
        } catch let error as JobsError {
            #expect(error.code == .unknownJob)
        }
    }

    func listFiltersAndPages(_ store: some JobStore) async throws {
        let outcomes = try await store.enqueue(
            (0..<7).map { index in job(index.isMultiple(of: 2) ? "even" : "odd", queue: index < 4 ? "a" : "b") },
            at: t0
        )
        let all = ids(outcomes)
        #expect(try await store.jobs(matching: JobFilter()).map(\.id) == all.reversed())
        #expect(try await store.jobs(matching: JobFilter(queue: "a")).map(\.id) == all[0..<4].reversed())
        #expect(try await store.jobs(matching: JobFilter(kind: "odd")).map(\.id) == [all[5], all[3], all[1]])
        #expect(try await store.jobs(matching: JobFilter(queue: "b", kind: "even")).map(\.id) == [all[6], all[4]])
        let page1 = try await store.jobs(matching: JobFilter(limit: 3))
        let page2 = try await store.jobs(matching: JobFilter(before: page1.last?.id, limit: 3))
        let page3 = try await store.jobs(matching: JobFilter(before: page2.last?.id, limit: 3))
        #expect((page1 + page2 + page3).map(\.id) == all.reversed())
        _ = try await claim(store, queue: "a", limit: 1)
        #expect(try await store.jobs(matching: JobFilter(state: .running)).map(\.id) == [all[0]])
        #expect(try await store.jobs(matching: JobFilter(state: .pending, queue: "a")).count == 3)
        await #expect(throws: JobsError.self) { _ = try await store.jobs(matching: JobFilter(limit: 0)) }
        await #expect(throws: JobsError.self) { _ = try await store.jobs(matching: JobFilter(limit: 1_001)) }
        await #expect(throws: JobsError.self) {
            _ = try await store.jobs(matching: JobFilter(queue: "'; DROP TABLE x; --"))
        }
    }

    /// Sends `count` jobs of `kind` to the dead-letter queue and returns their IDs.
    func kill(
        _ store: some JobStore,
        count: Int,
        kind: String = "noop",
        queue: String = "default"
    ) async throws -> [JobID] {
        let outcomes = try await store.enqueue((0..<count).map { _ in job(kind, queue: queue) }, at: t0)
        let claimed = try await claim(store, queue: queue, limit: count, worker: "killer")
        _ = try await store.finish(
            claimed.map { JobFinish(lease: $0.lease, outcome: .dead(error: "boom", outcome: .failed)) },
            at: at(1)
        )
        return ids(outcomes)
    }

    func replayGivesAFreshStart(_ store: some JobStore) async throws {
        let dead = try await kill(store, count: 3)
        let pending = ids(try await store.enqueue([job()], at: t0))[0]
        let replayed = try await store.replay(.ids([dead[0], pending, JobID(424_242)]), at: at(100))
        #expect(replayed == [dead[0]], "only dead jobs are replayed; unknown and pending IDs are skipped")
        let stored = try await detail(store, dead[0])
        #expect(stored.job.state == .pending && stored.job.attempt == 0 && stored.job.lastError == nil)
        #expect(stored.job.finishedAt == nil && sameTime(stored.job.runAt, at(100)))
        #expect(stored.attempts.map(\.outcome) == [.failed], "the history is kept")
        let claimed = try await claim(store, limit: 10, at: at(100))
        #expect(Set(claimed.map(\.job.id)) == [dead[0], pending])
        #expect(claimed.first { $0.job.id == dead[0] }?.lease.attempt == 1, "a fresh attempt count")
        let byFilter = try await store.replay(
            .matching(JobFilter(state: .completed, kind: "noop", limit: 10)),
            at: at(200)
        )
        #expect(Set(byFilter) == Set(dead[1...]), "a filter selects dead jobs whatever its state says")
        await #expect(throws: JobsError.self) { _ = try await store.replay(.ids([]), at: at(200)) }
    }

    func purgeDeletesOnlyDeadJobs(_ store: some JobStore) async throws {
        let dead = try await kill(store, count: 3, kind: "doomed")
        let pending = ids(try await store.enqueue([job("doomed")], at: t0))[0]
        #expect(try await store.purge(.ids([dead[0], pending])) == 1)
        #expect(try await store.job(dead[0]) == nil)
        #expect(try await store.job(pending) != nil)
        #expect(try await store.purge(.matching(JobFilter(kind: "doomed", limit: 1))) == 1)
        #expect(try await store.purge(.matching(JobFilter(kind: "doomed"))) == 1)
        #expect(try await store.jobs(matching: JobFilter(state: .dead)).isEmpty)
        #expect(try await store.job(pending)?.job.state == .pending)
    }

    func pruneKeepsTheRetention(_ store: some JobStore) async throws {
        let outcomes = try await store.enqueue((0..<4).map { _ in job() }, at: t0)
        let claimed = try await claim(store, limit: 3)
        _ = try await store.finish(
            [
                JobFinish(lease: claimed[0].lease, outcome: .completed(result: nil)),
                JobFinish(lease: claimed[1].lease, outcome: .dead(error: "x", outcome: .failed)),
            ],
            at: at(1000)
        )
        _ = try await store.finish([JobFinish(lease: claimed[2].lease, outcome: .completed(result: nil))], at: at(5000))
        #expect(try await store.prune(finishedBefore: at(2000), deadBefore: at(500), limit: 100) == 1)
        #expect(try await store.job(outcomes[0].id) == nil)
        #expect(try await store.job(outcomes[1].id) != nil, "dead jobs have their own retention")
        #expect(try await store.job(outcomes[2].id) != nil)
        #expect(
            try await store.prune(finishedBefore: at(10_000), deadBefore: at(10_000), limit: 1) == 1,
            "at most limit"
        )
        #expect(try await store.prune(finishedBefore: at(10_000), deadBefore: at(10_000), limit: 100) == 1)
        #expect(try await store.job(outcomes[3].id)?.job.state == .pending, "pending jobs are never pruned")
    }

    func statisticsPerQueue(_ store: some JobStore) async throws {
        _ = try await store.updateQueue("idle", paused: true, concurrencyLimit: .some(3))
        _ = try await store.enqueue(
            [job(runAt: at(0)), job(runAt: at(400)), job(runAt: at(60_000)), job(), job(), job(queue: "b")],
            at: t0
        )
        let claimed = try await claim(store, limit: 2, at: at(1000))
        _ = try await store.finish([JobFinish(lease: claimed[1].lease, outcome: .completed(result: nil))], at: at(1000))
        let statistics = try await store.statistics(at: at(1000))
        #expect(statistics.map(\.queue) == ["b", "default", "idle"])
        let main = try #require(statistics.first { $0.queue == "default" })
        #expect(main.ready == 2 && main.scheduled == 1 && main.running == 1 && main.completed == 1 && main.dead == 0)
        #expect(abs(Double(main.oldestReadyAge.components.seconds) - 1) <= 1)
        let idle = try #require(statistics.first { $0.queue == "idle" })
        #expect(idle.paused && idle.concurrencyLimit == 3 && idle.ready == 0)
    }

    func activityPerMinute(_ store: some JobStore) async throws {
        _ = try await store.enqueue((0..<4).map { _ in job() }, at: t0)
        var claimed = try await claim(store, limit: 2)
        _ = try await store.finish(
            [
                JobFinish(lease: claimed[0].lease, outcome: .completed(result: nil)),
                JobFinish(lease: claimed[1].lease, outcome: .completed(result: nil)),
            ],
            at: at(10_000)
        )
        claimed += try await claim(store, limit: 2, at: at(50_000))
        _ = try await store.finish(
            [JobFinish(lease: claimed[2].lease, outcome: .dead(error: "x", outcome: .failed))],
            at: at(70_000)
        )
        _ = try await store.finish(
            [JobFinish(lease: claimed[3].lease, outcome: .cancelled(error: nil))],
            at: at(70_000)
        )
        // t0 is 1,800,000,000 s: minute boundaries at multiples of 60 s, so t0 starts a minute.
        let activity = try await store.activity(since: t0)
        #expect(activity.count == 2)
        #expect(activity.first.map { sameTime($0.minute, t0) && $0.completed == 2 && $0.dead == 0 } == true)
        #expect(activity.last.map { sameTime($0.minute, at(60_000)) && $0.dead == 1 && $0.cancelled == 1 } == true)
        #expect(try await store.activity(since: at(60_000)).count == 1)
    }

    func workerRegistry(_ store: some JobStore) async throws {
        let w1 = JobWorkerRecord(
            id: "w1",
            host: "a",
            pid: 10,
            queues: ["default", "mail"],
            startedAt: t0,
            lastSeenAt: at(1000)
        )
        let w2 = JobWorkerRecord(id: "w2", host: "b", pid: 20, queues: ["default"], startedAt: t0, lastSeenAt: at(1000))
        try await store.recordWorker(w1)
        try await store.recordWorker(w2)
        let outcomes = try await store.enqueue([job(), job()], at: t0)
        _ = try await claim(store, limit: 2, worker: "w1")
        var workers = try await store.workers(seenSince: at(500))
        #expect(workers.map(\.id) == ["w1", "w2"])
        #expect(workers.first?.running == ids(outcomes) && workers.first?.queues == ["default", "mail"])
        #expect(workers.first.map { $0.host == "a" && $0.pid == 10 && sameTime($0.lastSeenAt, at(1000)) } == true)
        var later = w2
        later.lastSeenAt = at(5000)
        try await store.recordWorker(later)
        workers = try await store.workers(seenSince: at(2000))
        #expect(workers.map(\.id) == ["w2"], "a worker not seen since is left out (and forgotten)")
        try await store.removeWorker("w2")
        #expect(try await store.workers(seenSince: t0).isEmpty)
    }

    func batchedFinishReportsEachLease(_ store: some JobStore) async throws {
        _ = try await store.enqueue((0..<3).map { _ in job() }, at: t0)
        let claimed = try await claim(store, limit: 3)
        var stale = claimed[1].lease
        stale.token += 5
        let results = try await store.finish(
            [
                JobFinish(lease: claimed[0].lease, outcome: .completed(result: nil)),
                JobFinish(lease: stale, outcome: .completed(result: nil)),
                JobFinish(lease: claimed[2].lease, outcome: .retry(at: at(100), error: "e", outcome: .failed)),
            ],
            at: at(10)
        )
        #expect(results == [true, false, true])
        #expect(try await detail(store, claimed[1].job.id).job.state == .running)
        let extended = try await store.extend([claimed[1].lease, stale], by: lease, at: at(20))
        #expect(extended.count == 2 && extended[1] == .lost)
    }
}
