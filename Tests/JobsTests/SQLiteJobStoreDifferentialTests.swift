import Foundation
import Jobs
import Storage
import TestSupport
import Testing

/// Drives ``SQLiteJobStore`` and ``InMemoryJobStore`` (the reference) through the same long random sequence of
/// calls and expects identical answers from both at every step.
@Suite("Jobs: SQLiteJobStore answers exactly as InMemoryJobStore")
struct SQLiteJobStoreDifferentialTests {
    /// A small deterministic generator (SplitMix64), so a failure replays from its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Runs `body` on both stores; their results (or errors) must be equal.
    static func both<T: Equatable & Sendable>(
        _ step: Int,
        _ sqlite: SQLiteJobStore,
        _ memory: InMemoryJobStore,
        _ body: (any JobStore) async throws -> T
    ) async throws -> T? {
        let expected: Result<T, JobsError>
        let actual: Result<T, JobsError>
        do { expected = .success(try await body(memory)) } catch let error as JobsError { expected = .failure(error) }
        do { actual = .success(try await body(sqlite)) } catch let error as JobsError {
            actual = .failure(error)
        }
        #expect(actual == expected, "step \(step)")
        return try? actual.get()
    }

    @Test("a random sequence of 3,000 calls", arguments: [1, 2, 3] as [UInt64])
    func randomSequence(seed: UInt64) async throws {
        try await TestSQLite.withTemporaryPath { path in
            let storage = try SQLiteStorage(path: path)
            defer { try? storage.close() }
            try await storage.migrate([SQLiteJobStore.migrations], logger: SQLiteJobStoreTests.logger)
            let sqlite = SQLiteJobStore(storage: storage)
            let memory = InMemoryJobStore()
            var random = Generator(state: seed)
            // Whole milliseconds, as a worker's clock: dates on this grid survive the store's microseconds exactly.
            var milliseconds: Int64 = 1_700_000_000_000
            var leases: [JobLease] = []
            var highest: Int64 = 0
            let queues = ["q1", "q2"]
            for step in 0..<3_000 {
                let now = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<20:
                    let jobs = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                        Self.randomJob(at: now, queues: queues, using: &random)
                    }
                    let outcomes = try await Self.both(step, sqlite, memory) { try await $0.enqueue(jobs, at: now) }
                    highest = max(highest, (outcomes ?? []).map(\.id.rawValue).max() ?? 0)
                case 20..<38:
                    let request = ClaimRequest(
                        queue: queues.randomElement(using: &random) ?? "q1",
                        limit: Int.random(in: 1...4, using: &random),
                        workerID: ["w1", "w2"].randomElement(using: &random) ?? "w1",
                        leaseDuration: .seconds(30)
                    )
                    let claimed = try await Self.both(step, sqlite, memory) { try await $0.claim(request, at: now) }
                    leases += (claimed ?? []).map(\.lease)
                case 38..<58 where !leases.isEmpty:
                    let picked = (0..<Int.random(in: 1...3, using: &random)).compactMap { _ in
                        leases.randomElement(using: &random)
                    }
                    let finishes = picked.map {
                        JobFinish(lease: $0, outcome: Self.randomOutcome(at: now, using: &random))
                    }
                    _ = try await Self.both(step, sqlite, memory) { try await $0.finish(finishes, at: now) }
                    leases.removeAll { lease in picked.contains(lease) && Bool.random(using: &random) }
                case 58..<64 where !leases.isEmpty:
                    let picked = Array(leases.shuffled(using: &random).prefix(3))
                    _ = try await Self.both(step, sqlite, memory) {
                        try await $0.extend(picked, by: .seconds(30), at: now)
                    }
                case 64..<72:
                    milliseconds += Int64.random(in: 0...20_000, using: &random)
                case 72..<76:
                    _ = try await Self.both(step, sqlite, memory) { try await $0.rescueExpiredLeases(at: now) }
                case 76..<80:
                    let id = JobID(Int64.random(in: 1...(highest + 1), using: &random))
                    _ = try await Self.both(step, sqlite, memory) { try await $0.cancel(id, at: now) }
                case 80..<83:
                    let selection = Self.randomSelection(highest: highest, queues: queues, using: &random)
                    _ = try await Self.both(step, sqlite, memory) { try await $0.replay(selection, at: now) }
                case 83..<84:
                    let selection = Self.randomSelection(highest: highest, queues: queues, using: &random)
                    _ = try await Self.both(step, sqlite, memory) { try await $0.purge(selection) }
                case 84..<85:
                    let cutoff = now.addingTimeInterval(-Double(Int.random(in: 0...60, using: &random)))
                    _ = try await Self.both(step, sqlite, memory) {
                        try await $0.prune(
                            finishedBefore: cutoff,
                            deadBefore: cutoff.addingTimeInterval(-30),
                            limit: 1_000
                        )
                    }
                case 85..<88:
                    let queue = queues.randomElement(using: &random) ?? "q1"
                    let paused: Bool? = [nil, true, false].randomElement(using: &random) ?? nil
                    let limit: Int?? = [nil, .some(nil), 1, 2, 5].randomElement(using: &random) ?? nil
                    _ = try await Self.both(step, sqlite, memory) {
                        try await $0.updateQueue(queue, paused: paused, concurrencyLimit: limit)
                    }
                case 88..<91:
                    let filter = JobFilter(
                        state: JobState.allCases.randomElement(using: &random),
                        queue: Bool.random(using: &random) ? queues.randomElement(using: &random) : nil,
                        kind: Bool.random(using: &random) ? "k1" : nil,
                        before: Bool.random(using: &random)
                            ? JobID(Int64.random(in: 1...(highest + 1), using: &random)) : nil,
                        limit: Int.random(in: 1...20, using: &random)
                    )
                    _ = try await Self.both(step, sqlite, memory) { try await $0.jobs(matching: filter) }
                case 91..<94:
                    _ = try await Self.both(step, sqlite, memory) { try await $0.statistics(at: now) }
                    let since = now.addingTimeInterval(-120)
                    _ = try await Self.both(step, sqlite, memory) { try await $0.activity(since: since) }
                case 94..<97:
                    let worker = JobWorkerRecord(
                        id: ["w1", "w2", "w3"].randomElement(using: &random) ?? "w1",
                        host: "h",
                        pid: 7,
                        queues: queues,
                        startedAt: SQLiteJobStoreTests.start,
                        lastSeenAt: now
                    )
                    try await memory.recordWorker(worker)
                    try await sqlite.recordWorker(worker)
                    let since = now.addingTimeInterval(-15)
                    _ = try await Self.both(step, sqlite, memory) { try await $0.workers(seenSince: since) }
                default:
                    let id = JobID(Int64.random(in: 1...(highest + 1), using: &random))
                    _ = try await Self.both(step, sqlite, memory) { try await $0.job(id) }
                }
            }
            let everything = JobFilter(limit: 1_000)
            _ = try await Self.both(3_000, sqlite, memory) { try await $0.jobs(matching: everything) }
            for id in 1...max(1, highest) {
                _ = try await Self.both(3_000, sqlite, memory) { try await $0.job(JobID(id)) }
            }
        }
    }

    static func randomJob(at now: Date, queues: [String], using random: inout Generator) -> NewJob {
        NewJob(
            kind: ["k1", "k2"].randomElement(using: &random) ?? "k1",
            queue: queues.randomElement(using: &random) ?? "q1",
            payload: Data(#"{"n":\#(Int.random(in: 0...9, using: &random))}"#.utf8),
            priority: Int.random(in: -1...1, using: &random),
            runAt: now.addingTimeInterval(Double(Int.random(in: -2...2, using: &random) * 5)),
            maxAttempts: Int.random(in: 1...3, using: &random),
            uniqueKey: Bool.random(using: &random) ? "u\(Int.random(in: 0...3, using: &random))" : nil,
            uniqueFor: Bool.random(using: &random) ? .seconds(Int.random(in: 0...40, using: &random)) : nil,
            concurrencyKey: Int.random(in: 0...3, using: &random) == 0
                ? "c\(Int.random(in: 0...1, using: &random))" : nil,
            timeout: .milliseconds(Int.random(in: 1...90_000, using: &random))
        )
    }

    static func randomOutcome(at now: Date, using random: inout Generator) -> JobFinish.Outcome {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: .completed(result: Bool.random(using: &random) ? Data(#"{"r":1}"#.utf8) : nil)
        case 1:
            .retry(
                at: now.addingTimeInterval(Double(Int.random(in: 0...10, using: &random))),
                error: "e",
                outcome: .failed
            )
        case 2: .dead(error: String(repeating: "d", count: 2_100), outcome: .poisoned)
        case 3: .cancelled(error: Bool.random(using: &random) ? "stopped" : nil)
        case 4: .released
        default: .completed(result: Data())
        }
    }

    static func randomSelection(highest: Int64, queues: [String], using random: inout Generator) -> JobSelection {
        if Bool.random(using: &random) {
            let ids = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                JobID(Int64.random(in: 1...(highest + 1), using: &random))
            }
            return .ids(Array(Set(ids)).sorted())
        }
        return .matching(
            JobFilter(queue: queues.randomElement(using: &random), limit: Int.random(in: 1...5, using: &random))
        )
    }
}
