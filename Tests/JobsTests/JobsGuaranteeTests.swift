import Foundation
import Platform
import TestSupport
import Testing

/// The multi-process guarantees, with real `mastery serve` processes on real PostgreSQL (and one SQLite file):
/// a worker killed with SIGKILL mid-run, two workers draining one queue, poison jobs reaching the dead-letter
/// queue after exactly their attempts, and unique keys under concurrent enqueue from two processes. Time bounds
/// are generous (leases of 2 s, deadlines of minutes).
@Suite("Jobs: guarantees across processes", .serialized)
struct JobsGuaranteeTests {
    static var postgresEnabled: Bool { TestServers.shouldRun(TestServers.postgresURL) }

    /// Runs `body` on a fresh PostgreSQL database, or on SQLite.
    func withCluster(
        _ store: String,
        lease: Double = 2,
        concurrency: Int = 8,
        _ body: (JobsCluster) async throws -> Void
    ) async throws {
        if store == "postgres" {
            try await TestPostgres.withDatabase { url in
                try await JobsCluster.with(
                    JobsCluster(store: "postgres", postgresURL: url, lease: lease, concurrency: concurrency),
                    body
                )
            }
        } else {
            try await JobsCluster.with(JobsCluster(store: "sqlite", lease: lease, concurrency: concurrency), body)
        }
    }

    static let stores: [String] = ["sqlite"] + (postgresEnabled ? ["postgres"] : [])

    @Test(
        "a worker killed with SIGKILL mid-run loses nothing: its jobs run again after their leases expire",
        arguments: stores
    )
    func sigkill(_ store: String) async throws {
        try await withCluster(store) { cluster in
            let doomed = try await cluster.start()
            let ids = try await cluster.enqueueDemo(doomed, count: 300, durationMs: 40)
            // Kill it while it holds jobs.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, (try await cluster.demoQueue(doomed)["running"] as? Int ?? 0) == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(
                (try await cluster.demoQueue(doomed)["running"] as? Int ?? 0) > 0,
                "the worker held jobs when killed"
            )
            doomed.process.kill()
            _ = try await doomed.process.waitForExit(timeout: .seconds(10))
            let survivor = try await cluster.start()
            try await cluster.waitUntilDrained(survivor)
            var expired = 0
            for id in ids {
                let (job, attempts) = try await cluster.detail(survivor, id)
                #expect(job["state"] as? String == "completed", "job \(id) was lost: \(job)")
                #expect(
                    attempts.filter { $0["outcome"] as? String == "succeeded" }.count == 1,
                    "job \(id): \(attempts)"
                )
                expired += attempts.filter { $0["outcome"] as? String == "leaseExpired" }.count
            }
            #expect(expired > 0, "some jobs were held by the killed worker and ran again")
        }
    }

    @Test("two worker processes drain one queue: each job completes exactly once", arguments: stores)
    func twoWorkers(_ store: String) async throws {
        try await withCluster(store) { cluster in
            let first = try await cluster.start()
            let second = try await cluster.start()
            let ids = try await cluster.enqueueDemo(first, count: 1_000, durationMs: 1)
            try await cluster.waitUntilDrained(second)
            var workers: Set<String> = []
            for id in ids {
                let (job, attempts) = try await cluster.detail(second, id)
                #expect(job["state"] as? String == "completed")
                #expect(
                    attempts.count == 1 && attempts.first?["outcome"] as? String == "succeeded",
                    "job \(id): \(attempts)"
                )
                if let worker = attempts.first?["workerID"] as? String { workers.insert(worker) }
            }
            #expect(workers.count == 2, "both processes took jobs: \(workers)")
        }
    }

    @Test("a job that always fails reaches the dead-letter queue after exactly its maxAttempts", arguments: stores)
    func poison(_ store: String) async throws {
        try await withCluster(store) { cluster in
            let server = try await cluster.start()
            let ids = try await cluster.enqueueDemo(server, count: 5, failureRate: 1, maxAttempts: 3)
            try await cluster.waitUntilDrained(server, timeout: .seconds(90))
            for id in ids {
                let (job, attempts) = try await cluster.detail(server, id)
                #expect(job["state"] as? String == "dead")
                #expect(
                    attempts.map { $0["outcome"] as? String } == ["failed", "failed", "failed"],
                    "job \(id): \(attempts)"
                )
            }
        }
    }

    @Test("unique keys hold under concurrent enqueue from two processes", arguments: stores)
    func uniqueKeys(_ store: String) async throws {
        try await withCluster(store) { cluster in
            let first = try await cluster.start()
            let second = try await cluster.start()
            // Pause the queue so that no job completes (and frees its key) during the race.
            _ = try await cluster.request(first, "PUT", "/v1/jobs/queues/demo", body: #"{"paused":true}"#)
            let ids = try await withThrowingTaskGroup(of: [Int].self) { group in
                for index in 0..<40 {
                    let server = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        try await cluster.enqueueDemo(server, count: 1, uniqueKey: "key-\(index % 4)")
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(Set(ids).count == 4, "one holder per key: \(Set(ids).sorted())")
            let queue = try await cluster.demoQueue(first)
            #expect(queue["ready"] as? Int == 4, "\(queue)")
        }
    }

    @Test(
        "SIGTERM: the worker stops claiming, and a job still running after the grace period is released uncounted",
        arguments: stores
    )
    func gracefulShutdown(_ store: String) async throws {
        try await withCluster(store) { cluster in
            let stopping = try await cluster.start()
            let ids = try await cluster.enqueueDemo(stopping, count: 1, durationMs: 60_000)
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, (try await cluster.demoQueue(stopping)["running"] as? Int ?? 0) == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let began = ContinuousClock.now
            stopping.process.terminate()
            let status = try await stopping.process.waitForExit(timeout: .seconds(60))
            #expect(status == .exited(0), "a clean exit after the grace period")
            #expect(ContinuousClock.now - began < .seconds(30), "the grace period is 5 s")
            let other = try await cluster.start()
            let (job, attempts) = try await cluster.detail(other, ids[0])
            #expect(job["attempt"] as? Int == 0 || job["state"] as? String == "running", "released uncounted: \(job)")
            #expect(attempts.first?["outcome"] as? String == "released", "\(attempts)")
        }
    }

    @Test(
        "PostgreSQL restarted mid-run: no job is lost, and the LISTEN connection comes back",
        .enabled(if: PrivatePostgres.shouldRun, "needs the PostgreSQL 15 binaries: run scripts/test")
    )
    func postgresRestart() async throws {
        try await PrivatePostgres.with { postgres in
            // A poll of 30 s: after the restart, only the re-established LISTEN can start a new job quickly.
            let cluster = JobsCluster(store: "postgres", postgresURL: postgres.url, lease: 2, poll: 30)
            try await JobsCluster.with(cluster) { cluster in
                let server = try await cluster.start()
                let ids = try await cluster.enqueueDemo(server, count: 400, durationMs: 20)
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline,
                    (try await cluster.demoQueue(server)["completed"] as? Int ?? 0) < 40
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await postgres.restart()
                try await cluster.waitUntilDrained(server, timeout: .seconds(180))
                for id in ids {
                    let (job, attempts) = try await cluster.detail(server, id)
                    #expect(job["state"] as? String == "completed", "job \(id) was lost: \(job)")
                    #expect(attempts.contains { $0["outcome"] as? String == "succeeded" }, "job \(id): \(attempts)")
                }
                let began = ContinuousClock.now
                let late = try await cluster.enqueueDemo(server, count: 1)[0]
                while ContinuousClock.now - began < .seconds(60),
                    (try await cluster.detail(server, late)).job["state"] as? String != "completed"
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(ContinuousClock.now - began < .seconds(10), "a NOTIFY woke the worker, not its 30 s poll")
            }
        }
    }
}
