import Foundation
import Jobs
import Logging
import Platform
import PostgresNIO
import Storage
import Synchronization
import TestSupport
import Testing

/// `PostgresJobStore` against a real PostgreSQL, with two pools standing for two processes: what only a shared
/// database can get wrong (races between claimers and between producers, transactions, notifications).
@Suite(
    "PostgresJobStore",
    .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
)
struct PostgresJobStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func job(_ queue: String = "default", key: String? = nil, unique: String? = nil, at: Date = t0) -> NewJob {
        NewJob(
            kind: "test.job",
            queue: queue,
            payload: Data(#"{"b": 1, "a": [2]}"#.utf8),
            runAt: at,
            uniqueKey: unique,
            concurrencyKey: key
        )
    }

    static func request(_ queue: String = "default", limit: Int, worker: String = "w1") -> ClaimRequest {
        ClaimRequest(queue: queue, limit: limit, workerID: worker, leaseDuration: .seconds(30))
    }

    @Test("conformance", arguments: JobStoreConformance.allCases)
    func conformance(_ scenario: JobStoreConformance) async throws {
        try await withStores { stores in try await scenario.run(on: stores[0]) }
    }

    @Test("a job round-trips byte for byte, with its history, and finishes once")
    func roundTrip() async throws {
        try await withStores { stores in
            let store = stores[0]
            let outcomes = try await store.enqueue([Self.job(), Self.job(unique: "u")], at: Self.t0)
            #expect(outcomes.count == 2)
            let claimed = try await store.claim(Self.request(limit: 10), at: Self.t0)
            #expect(claimed.map(\.job.id) == outcomes.map(\.id))
            #expect(claimed.first?.job.payload == Data(#"{"b": 1, "a": [2]}"#.utf8))
            let finish = JobFinish(lease: claimed[0].lease, outcome: .completed(result: Data("[1]".utf8)))
            #expect(try await store.finish([finish], at: Self.t0.addingTimeInterval(1)) == [true])
            #expect(try await store.finish([finish], at: Self.t0.addingTimeInterval(1)) == [false])
            let detail = try #require(try await store.job(claimed[0].job.id))
            #expect(detail.job.state == .completed)
            #expect(detail.job.result == Data("[1]".utf8))
            #expect(detail.attempts.map(\.outcome) == [.succeeded])
            #expect(detail.attempts.first?.duration == .seconds(1))
        }
    }

    @Test("two pools claiming 2,000 jobs concurrently get each exactly once")
    func concurrentClaims() async throws {
        try await withStores(count: 2) { stores in
            for _ in 0..<2 {
                _ = try await stores[0].enqueue((0..<1_000).map { _ in Self.job() }, at: Self.t0)
            }
            let seen = try await withThrowingTaskGroup(of: [JobID].self) { group in
                for index in 0..<4 {
                    let store = stores[index % 2]
                    group.addTask {
                        var mine: [JobID] = []
                        while true {
                            let batch = try await store.claim(
                                Self.request(limit: 37, worker: "w\(index)"),
                                at: Self.t0
                            )
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.job.id)
                            let done = try await store.finish(
                                batch.map { JobFinish(lease: $0.lease, outcome: .completed(result: nil)) },
                                at: Self.t0
                            )
                            #expect(done.allSatisfy { $0 })
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(seen.count == 2_000)
            #expect(Set(seen).count == 2_000)
            let statistics = try await stores[1].statistics(at: Self.t0)
            #expect(statistics.first?.completed == 2_000)
        }
    }

    @Test("a global concurrency limit holds under concurrent claimers from two pools")
    func concurrencyLimit() async throws {
        try await withStores(count: 2) { stores in
            _ = try await stores[0].updateQueue("limited", paused: nil, concurrencyLimit: .some(3))
            _ = try await stores[0].enqueue((0..<40).map { _ in Self.job("limited") }, at: Self.t0)
            for _ in 0..<5 {
                let claimed = try await Self.claimConcurrently(stores, queue: "limited", limit: 2)
                #expect(claimed.count == 3)
                _ = try await stores[1].finish(
                    claimed.map { JobFinish(lease: $0.lease, outcome: .completed(result: nil)) },
                    at: Self.t0
                )
            }
        }
    }

    @Test("concurrency keys hold under concurrent claimers of two queues from two pools")
    func concurrencyKeys() async throws {
        try await withStores(count: 2) { stores in
            var jobs: [NewJob] = []
            for index in 0..<40 { jobs.append(Self.job(index % 2 == 0 ? "a" : "b", key: "k\(index % 4)")) }
            jobs += (0..<4).map { _ in Self.job("a") }
            _ = try await stores[0].enqueue(jobs, at: Self.t0)
            let claimed =
                try await Self.claimConcurrently(stores, queue: "a", limit: 10)
                + Self.claimConcurrently(stores, queue: "b", limit: 10)
            let keys = claimed.compactMap(\.job.concurrencyKey)
            #expect(Set(keys).count == keys.count, "two running jobs share a key: \(keys.sorted())")
            #expect(claimed.filter { $0.job.concurrencyKey == nil }.count == 4)
            // Interleaved for real: claimers of both queues at once, repeatedly, finishing as they go.
            _ = try await stores[0].finish(
                claimed.map { JobFinish(lease: $0.lease, outcome: .completed(result: nil)) },
                at: Self.t0
            )
            let running = KeyCounts()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    let store = stores[index % 2]
                    let queue = index < 2 ? "a" : "b"
                    group.addTask {
                        while true {
                            let batch = try await store.claim(Self.request(queue, limit: 5), at: Self.t0)
                            if batch.isEmpty { return }
                            running.counts.withLock { counts in
                                for job in batch {
                                    let key = job.job.concurrencyKey ?? ""
                                    counts[key, default: 0] += 1
                                    if key != "" { #expect(counts[key] == 1, "key \(key) runs twice") }
                                }
                            }
                            running.counts.withLock { counts in
                                for job in batch { counts[job.job.concurrencyKey ?? "", default: 0] -= 1 }
                            }
                            _ = try await store.finish(
                                batch.map { JobFinish(lease: $0.lease, outcome: .completed(result: nil)) },
                                at: Self.t0
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            let left = try await stores[0].jobs(matching: JobFilter(state: .pending))
            #expect(left.isEmpty)
        }
    }

    /// Eight claims at once (four per pool) on one queue; returns every job they got.
    static func claimConcurrently(_ stores: [PostgresJobStore], queue: String, limit: Int) async throws -> [ClaimedJob]
    {
        try await withThrowingTaskGroup(of: [ClaimedJob].self) { group in
            for index in 0..<8 {
                let store = stores[index % 2]
                group.addTask {
                    try await store.claim(Self.request(queue, limit: limit, worker: "w\(index)"), at: Self.t0)
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    @Test("a unique key enqueued concurrently from two pools is stored once")
    func uniqueKeysRace() async throws {
        try await withStores(count: 2) { stores in
            for round in 0..<20 {
                let outcomes = try await withThrowingTaskGroup(of: [EnqueueOutcome].self) { group in
                    for store in stores {
                        group.addTask {
                            try await store.enqueue(
                                [Self.job(unique: "r\(round)"), Self.job(unique: "shared\(round % 3)")],
                                at: Self.t0
                            )
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                // Each pool's outcomes are [r<round>, shared<round % 3>]: one holder per key, stored at most once.
                for key in 0..<2 {
                    let mine = stride(from: key, to: outcomes.count, by: 2).map { outcomes[$0] }
                    #expect(Set(mine.map(\.id)).count == 1, "\(mine)")
                    #expect(mine.filter { if case .enqueued = $0 { true } else { false } }.count <= 1, "\(mine)")
                }
                #expect(outcomes.contains { if case .enqueued = $0 { true } else { false } })
            }
            let pending = try await stores[0].jobs(matching: JobFilter(state: .pending, limit: 1_000))
            #expect(pending.count == 23)
        }
    }

    @Test("transactional enqueue: the job exists if and only if the caller commits")
    func transactionalEnqueue() async throws {
        try await withStores { stores in
            let store = stores[0]
            let logger = TestPostgres.quietLogger
            let committed = try await store.pool.withTransaction(logger: logger) { connection in
                try await store.enqueue([Self.job(unique: "tx")], at: Self.t0, on: connection)
            }
            #expect(try await store.job(committed[0].id)?.job.state == .pending)
            struct Rollback: Error {}
            let rolledBack = Mutex<JobID?>(nil)
            await #expect(throws: Rollback.self) {
                try await store.pool.withTransaction(logger: logger) { connection in
                    let outcomes = try await store.enqueue([Self.job(unique: "rolled")], at: Self.t0, on: connection)
                    rolledBack.withLock { $0 = outcomes[0].id }
                    throw Rollback()
                }
            }
            let id = try #require(rolledBack.withLock { $0 })
            #expect(try await store.job(id) == nil)
            // The rolled-back job held no key: a new one with it is stored.
            let again = try await store.enqueue([Self.job(unique: "rolled"), Self.job(unique: "tx")], at: Self.t0)
            #expect(again[1] == .duplicate(of: committed[0].id))
            guard case .enqueued = again[0] else {
                Issue.record("the rolled-back key was still held: \(again)")
                return
            }
        }
    }

    @Test("version 2 of the schema takes over jobs that version 1 left running or completed")
    func migrationFromVersionOne() async throws {
        try await TestPostgres.withDatabase { url in
            let storage = try PostgresStorage(url: url, logger: TestPostgres.quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await storage.run() }
                defer { group.cancelAll() }
                let versionOne = SchemaMigrations(system: "jobs", [PostgresJobStore.migrations.migrations[0]])
                try await storage.migrate([versionOne], logger: TestPostgres.quietLogger)
                let client = storage.pool
                // What version 1 wrote: a running job with its running attempt row, a completed one with its
                // succeeded row.
                try await client.query(
                    """
                    INSERT INTO jobs (id, kind, queue, payload, priority, state, created_at, run_at, attempt,
                        max_attempts, claims, timeout_ms, worker_id, lease_expires_at, finished_at)
                    VALUES (1, 'test.job', 'default', '\\x7b7d', 0, 'running', now(), now(), 1, 3, 1, 60000, 'old',
                            now() + interval '1 hour', NULL),
                        (2, 'test.job', 'default', '\\x7b7d', 0, 'completed', now(), now(), 1, 3, 1, 60000, NULL,
                            NULL, now())
                    """
                )
                try await client.query(
                    """
                    INSERT INTO job_attempts (job_id, claim, attempt, worker_id, started_at, finished_at, outcome)
                    VALUES (1, 1, 1, 'old', now(), NULL, 'running'), (2, 1, 1, 'old', now(), now(), 'succeeded')
                    """
                )
                try await storage.migrate([PostgresJobStore.migrations], logger: TestPostgres.quietLogger)
                let store = PostgresJobStore(pool: client)
                let running = try #require(try await store.job(JobID(1)))
                #expect(running.attempts.map(\.outcome) == [.running])
                #expect(running.attempts.map(\.workerID) == ["old"])
                let lease = JobLease(jobID: JobID(1), token: 1, attempt: 1, expiresAt: Date() + 3600)
                let finish = JobFinish(lease: lease, outcome: .completed(result: nil))
                #expect(try await store.finish([finish], at: Date()) == [true])
                let finished = try #require(try await store.job(JobID(1)))
                #expect(finished.attempts.map(\.outcome) == [.succeeded])
                #expect(finished.attempts.map(\.workerID) == ["old"])
                let completed = try #require(try await store.job(JobID(2)))
                #expect(completed.attempts.map(\.outcome) == [.succeeded])
            }
        }
    }

    @Test("a signal on one pool wakes a subscriber of another")
    func signalAcrossPools() async throws {
        try await withStores(count: 2) { stores in
            let sender = PostgresJobSignal(pool: stores[0].pool)
            let receiver = PostgresJobSignal(pool: stores[1].pool)
            try await withSignals([sender, receiver]) {
                try await waitUntil(timeout: .seconds(30)) { receiver.listenCount == 1 }
                let subscription = receiver.subscribe()
                await sender.signal(["wake-me"])
                let heard = try await Self.first(subscription, matching: "wake-me", within: .seconds(30))
                #expect(heard)
            }
        }
    }

    @Test("concurrent signals are coalesced into far fewer notifications")
    func coalescing() async throws {
        try await withStores(count: 2) { stores in
            let signal = PostgresJobSignal(pool: stores[0].pool)
            let counted = PostgresJobSignal(pool: stores[1].pool)
            try await withSignals([signal, counted]) {
                try await waitUntil(timeout: .seconds(30)) { counted.listenCount == 1 }
                let subscription = counted.subscribe()
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<500 { group.addTask { await signal.signal(["busy"]) } }
                }
                // Every coalesced NOTIFY commits before this one, so it arrives after them.
                try await stores[0].pool.query("SELECT pg_notify('mastery_jobs', 'end')")
                var busy = 0
                for await queue in subscription {
                    if queue == "end" { break }
                    if queue == "busy" { busy += 1 }
                }
                #expect(busy >= 1)
                #expect(busy < 100, "500 signals sent \(busy) notifications")
            }
        }
    }

    /// Whether `stream` yields `value` within `timeout`.
    static func first(
        _ stream: AsyncStream<String>,
        matching value: String,
        within timeout: Duration
    ) async throws
        -> Bool
    {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await element in stream where element == value { return true }
                return false
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let result = try await group.next() ?? false
            group.cancelAll()
            return result
        }
    }
}

/// Running jobs per concurrency key, shared by concurrent claimers.
final class KeyCounts: Sendable {
    let counts = Mutex<[String: Int]>([:])
}

/// Runs `body` with stores on a fresh database (the schema applied), one pool per store.
func withStores(
    count: Int = 1,
    _ body: @Sendable ([PostgresJobStore]) async throws -> Void
) async throws {
    try await TestPostgres.withDatabase { url in
        try await withStores(url: url, count: count, body)
    }
}

/// Runs `body` with stores on `url` (the schema applied), one pool per store.
func withStores(
    url: String,
    count: Int = 1,
    _ body: @Sendable ([PostgresJobStore]) async throws -> Void
) async throws {
    let storages = try (0..<count).map { _ in try PostgresStorage(url: url, logger: TestPostgres.quietLogger) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        for storage in storages { group.addTask { try await storage.run() } }
        defer { group.cancelAll() }
        try await storages[0].migrate([PostgresJobStore.migrations], logger: TestPostgres.quietLogger)
        try await body(storages.map { PostgresJobStore(pool: $0.pool) })
    }
}

/// Runs `body` while the signals run.
func withSignals(_ signals: [PostgresJobSignal], _ body: @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for signal in signals { group.addTask { try await signal.run() } }
        defer { group.cancelAll() }
        try await body()
    }
}
