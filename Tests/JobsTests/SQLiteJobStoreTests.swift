import Foundation
import GRDB
import Logging
import Storage
import TestSupport
import Testing

@testable import Jobs

@Suite("Jobs: SQLiteJobStore on real files, alone and from two pools at once")
struct SQLiteJobStoreTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let logger = Logger(label: "mastery.test.jobs")

    /// Runs `body` with a migrated store on a fresh file, and a second pool on the same file (another process's
    /// worth of connections).
    static func withStores<Result>(
        _ body: (SQLiteJobStore, SQLiteJobStore, SQLiteStorage) async throws -> Result
    ) async throws -> Result {
        try await TestSQLite.withTemporaryPath { path in
            let first = try SQLiteStorage(path: path)
            try await first.migrate([SQLiteJobStore.migrations], logger: logger)
            let second = try SQLiteStorage(path: path)
            defer {
                try? first.close()
                try? second.close()
            }
            return try await body(SQLiteJobStore(storage: first), SQLiteJobStore(storage: second), first)
        }
    }

    static func job(
        _ queue: String = "default",
        priority: Int = 0,
        runAt: Date = start,
        uniqueKey: String? = nil,
        uniqueFor: Duration? = nil,
        concurrencyKey: String? = nil,
        maxAttempts: Int = 3,
        payload: String = #"{"n":1}"#
    ) -> NewJob {
        NewJob(
            kind: "test.job",
            queue: queue,
            payload: Data(payload.utf8),
            priority: priority,
            runAt: runAt,
            maxAttempts: maxAttempts,
            uniqueKey: uniqueKey,
            uniqueFor: uniqueFor,
            concurrencyKey: concurrencyKey
        )
    }

    static func request(_ queue: String = "default", limit: Int, worker: String = "w1") -> ClaimRequest {
        ClaimRequest(queue: queue, limit: limit, workerID: worker, leaseDuration: .seconds(30))
    }

    @Test("the shared conformance suite", arguments: JobStoreConformance.allCases)
    func conformance(_ scenario: JobStoreConformance) async throws {
        try await Self.withStores { store, _, _ in try await scenario.run(on: store) }
    }

    @Test("a job round-trips every field, and its history follows claims, retries, releases and completion")
    func roundTrip() async throws {
        try await Self.withStores { store, _, _ in
            let runAt = Date(timeIntervalSince1970: 1_700_000_000.123)
            let new = NewJob(
                kind: "mail.send",
                queue: "mail",
                payload: Data(),
                priority: 7,
                runAt: runAt,
                maxAttempts: 4,
                uniqueKey: "mail:42",
                uniqueFor: .milliseconds(1_500),
                concurrencyKey: "user:7",
                timeout: .milliseconds(2_500)
            )
            let outcomes = try await store.enqueue([new], at: Self.start)
            let id = try #require(outcomes.first?.id)
            #expect(outcomes == [.enqueued(id)])
            let stored = try #require(try await store.job(id))
            #expect(stored.job == JobRecord(id: id, job: new, createdAt: Self.start))
            #expect(stored.attempts.isEmpty)

            let now = Self.start.addingTimeInterval(1)
            let first = try await store.claim(Self.request("mail", limit: 5), at: now)
            #expect(first.count == 1)
            let lease = try #require(first.first?.lease)
            #expect(lease == JobLease(jobID: id, token: 1, attempt: 1, expiresAt: now.addingTimeInterval(30)))
            #expect(try await store.finish([JobFinish(lease: lease, outcome: .released)], at: now) == [true])
            let second = try #require(try await store.claim(Self.request("mail", limit: 5), at: now).first)
            #expect(second.lease.token == 2 && second.lease.attempt == 1)
            let retryAt = now.addingTimeInterval(10)
            let retry = JobFinish(lease: second.lease, outcome: .retry(at: retryAt, error: "boom", outcome: .failed))
            #expect(try await store.finish([retry], at: now) == [true])
            #expect(try await store.finish([retry], at: now) == [false])
            #expect(try await store.claim(Self.request("mail", limit: 5), at: now).isEmpty)
            let third = try #require(try await store.claim(Self.request("mail", limit: 5), at: retryAt).first)
            let done = JobFinish(lease: third.lease, outcome: .completed(result: Data(#"{"ok":true}"#.utf8)))
            #expect(try await store.finish([done], at: retryAt) == [true])

            let detail = try #require(try await store.job(id))
            #expect(detail.job.state == .completed)
            #expect(detail.job.attempt == 2 && detail.job.claims == 3)
            #expect(detail.job.payload == Data())
            #expect(detail.job.result == Data(#"{"ok":true}"#.utf8))
            #expect(detail.job.lastError == "boom")
            #expect(detail.job.finishedAt == retryAt)
            #expect(detail.job.workerID == nil && detail.job.leaseExpiresAt == nil)
            #expect(detail.attempts.map(\.outcome) == [.released, .failed, .succeeded])
            #expect(detail.attempts.map(\.attempt) == [1, 1, 2])
            #expect(detail.attempts.map(\.claim) == [1, 2, 3])
            #expect(detail.attempts[1].error == "boom")
            #expect(detail.attempts[2].duration == .zero)
            // The key is held for 1.5 s after completion.
            let again = try await store.enqueue([new], at: retryAt.addingTimeInterval(1.499))
            #expect(again == [.duplicate(of: id)])
            let later = try await store.enqueue([new], at: retryAt.addingTimeInterval(1.5))
            #expect(later.first?.id != id)
        }
    }

    @Test("two pools claiming one queue of 2,000 jobs at once: every job is claimed exactly once")
    func concurrentClaims() async throws {
        try await Self.withStores { first, second, _ in
            for _ in 0..<2 {
                _ = try await first.enqueue((0..<1_000).map { _ in Self.job() }, at: Self.start)
            }
            let claimed = try await withThrowingTaskGroup(of: [JobID].self) { group in
                for task in 0..<8 {
                    let store = task.isMultiple(of: 2) ? first : second
                    group.addTask {
                        var mine: [JobID] = []
                        while true {
                            let jobs = try await store.claim(
                                Self.request(limit: 25, worker: "w\(task)"),
                                at: Self.start
                            )
                            if jobs.isEmpty { return mine }
                            mine += jobs.map(\.job.id)
                            let finishes = jobs.map { JobFinish(lease: $0.lease, outcome: .completed(result: nil)) }
                            let flags = try await store.finish(finishes, at: Self.start)
                            #expect(flags.allSatisfy { $0 })
                        }
                    }
                }
                var all: [JobID] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 2_000)
            #expect(Set(claimed).count == 2_000)
            let statistics = try await first.statistics(at: Self.start)
            #expect(statistics.map(\.completed) == [2_000])
            #expect(statistics.map(\.running) == [0])
        }
    }

    @Test("enqueues of one unique key racing from two pools store exactly one holder")
    func concurrentUniqueKey() async throws {
        try await Self.withStores { first, second, _ in
            let outcomes = try await withThrowingTaskGroup(of: [EnqueueOutcome].self) { group in
                for task in 0..<16 {
                    let store = task.isMultiple(of: 2) ? first : second
                    group.addTask {
                        try await store.enqueue([Self.job(uniqueKey: "only-one"), Self.job()], at: Self.start)
                    }
                }
                var all: [EnqueueOutcome] = []
                for try await outcomes in group { all += outcomes }
                return all
            }
            let keyed = outcomes.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element)
            let stored = keyed.filter { if case .enqueued = $0 { true } else { false } }
            #expect(stored.count == 1)
            let holder = try #require(stored.first?.id)
            #expect(keyed.allSatisfy { $0.id == holder })
            #expect(try await second.jobs(matching: JobFilter()).count == 17)
        }
    }

    @Test("a queue's concurrency limit and concurrency keys hold under concurrent claims from two pools")
    func concurrentLimits() async throws {
        try await Self.withStores { first, second, _ in
            _ = try await first.updateQueue("limited", paused: nil, concurrencyLimit: 3)
            _ = try await first.enqueue((0..<40).map { _ in Self.job("limited") }, at: Self.start)
            _ = try await first.enqueue(
                (0..<40).map { Self.job("keyed", concurrencyKey: "key\($0 % 4)") },
                at: Self.start
            )
            for (queue, expected) in [("limited", 3), ("keyed", 4)] {
                var finished = 0
                while finished < 40 {
                    let claimed = try await withThrowingTaskGroup(of: [ClaimedJob].self) { group in
                        for task in 0..<6 {
                            let store = task.isMultiple(of: 2) ? first : second
                            group.addTask {
                                try await store.claim(Self.request(queue, limit: 2, worker: "w\(task)"), at: Self.start)
                            }
                        }
                        var all: [ClaimedJob] = []
                        for try await jobs in group { all += jobs }
                        return all
                    }
                    #expect(claimed.count == min(expected, 40 - finished))
                    let keys = claimed.compactMap(\.job.concurrencyKey)
                    #expect(Set(keys).count == keys.count)
                    let finishes = claimed.map { JobFinish(lease: $0.lease, outcome: .completed(result: nil)) }
                    finished += try await second.finish(finishes, at: Self.start).filter { $0 }.count
                }
            }
            let statistics = try await first.statistics(at: Self.start)
            #expect(statistics.map(\.completed) == [40, 40])
        }
    }

    @Test("applying the migrations again changes nothing")
    func migrationTwice() async throws {
        try await Self.withStores { store, _, storage in
            let outcome = try await store.enqueue([Self.job()], at: Self.start)
            try await storage.migrate([SQLiteJobStore.migrations], logger: Self.logger)
            let applied = try await storage.appliedMigrations(system: "jobs")
            #expect(applied.map(\.version) == [1])
            #expect(try await store.jobs(matching: JobFilter()).map(\.id) == outcome.map(\.id))
        }
    }

    @Test("invalid jobs, claims, filters and queue settings are refused before anything is written")
    func validation() async throws {
        try await Self.withStores { store, _, _ in
            let oversized = Self.job(payload: String(repeating: "x", count: JobLimits.maxPayloadBytes + 1))
            await #expect(throws: JobsError.self) {
                try await store.enqueue([Self.job(), oversized], at: Self.start)
            }
            for invalid in [Self.job(priority: 101), Self.job("bad queue"), Self.job(maxAttempts: 0)] {
                await #expect(throws: JobsError.self) {
                    try await store.enqueue([Self.job(), invalid], at: Self.start)
                }
            }
            await #expect(throws: JobsError.self) { try await store.enqueue([Self.job(uniqueKey: "")], at: Self.start) }
            await #expect(throws: JobsError.self) { try await store.claim(Self.request(limit: 0), at: Self.start) }
            await #expect(throws: JobsError.self) {
                try await store.claim(Self.request("a b", limit: 1), at: Self.start)
            }
            await #expect(throws: JobsError.self) { try await store.jobs(matching: JobFilter(limit: 0)) }
            await #expect(throws: JobsError.self) {
                try await store.updateQueue("default", paused: true, concurrencyLimit: .some(0))
            }
            await #expect(throws: JobsError(.unknownJob, "no job has the ID 9")) {
                try await store.cancel(JobID(9), at: Self.start)
            }
            #expect(try await store.jobs(matching: JobFilter()).isEmpty)
            #expect(try await store.statistics(at: Self.start).isEmpty)
            let hostile = "x'; DROP TABLE jobs; --"
            let stored = try await store.enqueue(
                [Self.job(uniqueKey: hostile, concurrencyKey: hostile)],
                at: Self.start
            )
            #expect(try await store.job(try #require(stored.first?.id))?.job.uniqueKey == hostile)
        }
    }

    @Test("purging and pruning delete the histories with the jobs")
    func deletesHistories() async throws {
        try await Self.withStores { store, _, storage in
            _ = try await store.enqueue([Self.job(maxAttempts: 1), Self.job(maxAttempts: 1)], at: Self.start)
            let claimed = try await store.claim(Self.request(limit: 2), at: Self.start)
            _ = try await store.finish(
                [
                    JobFinish(lease: claimed[0].lease, outcome: .dead(error: "x", outcome: .poisoned)),
                    JobFinish(lease: claimed[1].lease, outcome: .completed(result: nil)),
                ],
                at: Self.start
            )
            #expect(try await store.purge(.ids([claimed[0].job.id, claimed[0].job.id, JobID(99)])) == 1)
            let later = Self.start.addingTimeInterval(1)
            #expect(try await store.prune(finishedBefore: later, deadBefore: later, limit: 10) == 1)
            let attempts = try await storage.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_attempts")
            }
            #expect(attempts == 0)
        }
    }

    @Test("the hot queries use their indexes, without sorting")
    func queryPlans() async throws {
        try await Self.withStores { _, _, storage in
            let lists: [(sql: String, index: String)] = [
                ("SELECT id FROM jobs WHERE state = ? ORDER BY id DESC LIMIT ?", "jobs_by_state"),
                ("SELECT id FROM jobs WHERE queue = ? ORDER BY id DESC LIMIT ?", "jobs_by_queue"),
                ("SELECT id FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT ?", "jobs_by_kind"),
            ]
            for (sql, index) in SQLiteJobStore.Query.indexed + lists {
                let plan = try await storage.pool.read { db in
                    // Unbound parameters are NULL: the plan does not depend on them.
                    let statement = try db.makeStatement(sql: "EXPLAIN QUERY PLAN " + sql)
                    statement.setUncheckedArguments([])
                    return try Row.fetchAll(statement).map { row -> String in row["detail"] }
                }
                #expect(
                    plan.contains { $0.contains("INDEX \(index) ") || $0.hasSuffix("INDEX \(index)") },
                    "\(sql): \(plan)"
                )
                #expect(!plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(sql): \(plan)")
                #expect(!plan.contains { $0.hasPrefix("SCAN jobs") && !$0.contains("INDEX") }, "\(sql): \(plan)")
            }
        }
    }
}
