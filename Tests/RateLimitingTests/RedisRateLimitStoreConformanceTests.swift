import Platform
import RateLimiting
import Redis
import TestSupport
import Testing

/// The Redis store decides exactly as the in-memory store: the same requests at the same times (one
/// ``ManualRateLimitClock`` drives both, passed to Redis as a clock override) give equal results, step by step.
@Suite(
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(3))
)
struct RedisRateLimitStoreConformanceTests {
    enum Step {
        case advance(microseconds: Int64)
        /// Advances to the last rejection's retry time plus `offset` µs (nothing when the last request was admitted).
        case advanceToRetry(offset: Int64)
        case request([RateLimitCheck])
    }

    /// Policies of every algorithm, with windows and rates that make intervals, refills and weights fractional.
    static func policies() throws -> [RateLimitPolicy] {
        [
            try RateLimitPolicy(name: "gcra-a", algorithm: .gcra, limit: 5, window: .seconds(1), burst: 3),
            try RateLimitPolicy(name: "gcra-b", algorithm: .gcra, limit: 7, window: .milliseconds(300), burst: 10),
            try RateLimitPolicy(name: "gcra-c", algorithm: .gcra, limit: 1000, window: .seconds(1), burst: 1),
            try RateLimitPolicy(name: "tb-a", algorithm: .tokenBucket, limit: 3, window: .seconds(1), burst: 5),
            try RateLimitPolicy(name: "tb-b", algorithm: .tokenBucket, limit: 7, window: .seconds(3), burst: 4),
            try RateLimitPolicy(
                name: "tb-c",
                algorithm: .tokenBucket,
                limit: 10,
                window: .microseconds(1_234_567),
                burst: 10
            ),
            try RateLimitPolicy(name: "fw-a", algorithm: .fixedWindow, limit: 5, window: .seconds(2)),
            try RateLimitPolicy(name: "fw-b", algorithm: .fixedWindow, limit: 3, window: .milliseconds(500)),
            try RateLimitPolicy(name: "swc-a", algorithm: .slidingWindowCounter, limit: 10, window: .seconds(1)),
            try RateLimitPolicy(name: "swc-b", algorithm: .slidingWindowCounter, limit: 4, window: .milliseconds(700)),
            try RateLimitPolicy(name: "swl-a", algorithm: .slidingWindowLog, limit: 4, window: .milliseconds(1500)),
            try RateLimitPolicy(name: "swl-b", algorithm: .slidingWindowLog, limit: 10, window: .seconds(1)),
        ]
    }

    /// Runs the steps on both stores and requires equal results at every step.
    /// - Returns: How many requests were admitted and rejected (so a scenario can show it exercised both).
    @discardableResult
    func compare(
        _ steps: [Step],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (admitted: Int, rejected: Int) {
        let clock = ManualRateLimitClock(microseconds: 1_000_000_000_000)
        let memory = InMemoryRateLimitStore(clock: clock, shardCount: 4)
        return try await RedisRateLimitTesting.withClient { client in
            let redis = RedisRateLimitStore(
                client: client,
                keyPrefix: TestServers.uniqueKeyPrefix() + "rl",
                clockOverride: clock
            )
            var counts = (admitted: 0, rejected: 0)
            var last: RateLimitResult?
            for (index, step) in steps.enumerated() {
                switch step {
                case .advance(let microseconds):
                    clock.advance(microseconds: microseconds)
                case .advanceToRetry(let offset):
                    if let retry = last?.retryAfter {
                        clock.advance(
                            microseconds: retry.components.seconds * 1_000_000 + retry.components.attoseconds
                                / 1_000_000_000_000 + offset
                        )
                    }
                case .request(let checks):
                    let expected = memory.decide(checks)
                    let actual = try await redis.check(checks)
                    try #require(
                        actual == expected,
                        "step \(index) at \(clock.nowMicroseconds) µs, \(Self.describe(checks)):\nredis  \(Self.describe(actual))\nmemory \(Self.describe(expected))",
                        sourceLocation: sourceLocation
                    )
                    if expected.allowed { counts.admitted += 1 } else { counts.rejected += 1 }
                    last = expected
                }
            }
            return counts
        }
    }

    /// Random traffic on one policy at a time: costs from 0 to above the capacity, two keys, one to three checks
    /// per request (so the same key and policy often appears twice), pauses that are short, land exactly on the last
    /// retry time or one µs before it, or skip past every expiry.
    @Test("every algorithm under random traffic", arguments: try policies())
    func randomTraffic(policy: RateLimitPolicy) async throws {
        var random = SeededGenerator(
            state: UInt64(truncatingIfNeeded: policy.name.utf8.reduce(7) { $0 &* 31 &+ Int($1) })
        )
        let steps = Self.randomSteps(policies: [policy], count: 300, using: &random)
        let counts = try await compare(steps)
        #expect(counts.admitted > 20 && counts.rejected > 20, "\(counts)")
    }

    @Test("requests mixing every algorithm, keys and duplicates, all or nothing")
    func mixedRequests() async throws {
        var random = SeededGenerator(state: 42)
        let steps = Self.randomSteps(policies: try Self.policies(), count: 600, maximumChecks: 6, using: &random)
        let counts = try await compare(steps)
        #expect(counts.admitted > 50 && counts.rejected > 50, "\(counts)")
    }

    @Test("costs above the capacity, zero costs, and cost equal to the capacity")
    func costs() async throws {
        var steps: [Step] = []
        for policy in try Self.policies() {
            let capacity = policy.capacity
            steps += [
                .request([RateLimitCheck(policy: policy, key: "k", cost: capacity + 1)]),
                .request([RateLimitCheck(policy: policy, key: "k", cost: 0)]),
                .request([RateLimitCheck(policy: policy, key: "k", cost: capacity)]),
                .request([RateLimitCheck(policy: policy, key: "k", cost: 0)]),
                .request([RateLimitCheck(policy: policy, key: "k", cost: 1)]),
                .request([RateLimitCheck(policy: policy, key: "k", cost: capacity + 1)]),
                .advance(microseconds: policy.windowMicroseconds / 2),
                .request([RateLimitCheck(policy: policy, key: "k", cost: 1)]),
                .advance(microseconds: policy.windowMicroseconds * 3),
                .request([RateLimitCheck(policy: policy, key: "k", cost: capacity)]),
            ]
        }
        let counts = try await compare(steps)
        #expect(counts.admitted > 0 && counts.rejected > 0)
    }

    @Test("several policies: nothing consumed when one rejects; duplicates see each other; 16 checks")
    func allOrNothing() async throws {
        let perSecond = try RateLimitPolicy(name: "per-second", algorithm: .gcra, limit: 2, window: .seconds(1))
        let perHour = try RateLimitPolicy(name: "per-hour", algorithm: .fixedWindow, limit: 3, window: .seconds(3600))
        let log = try RateLimitPolicy(name: "log", algorithm: .slidingWindowLog, limit: 3, window: .seconds(10))
        let bucket = try RateLimitPolicy(
            name: "bucket",
            algorithm: .tokenBucket,
            limit: 1,
            window: .seconds(3),
            burst: 3
        )
        let both = [RateLimitCheck(policy: perSecond, key: "u"), RateLimitCheck(policy: perHour, key: "u")]
        var steps: [Step] = [.request(both), .request(both), .request(both), .advance(microseconds: 1_000_000)]
        steps += [.request(both), .advance(microseconds: 1_000_000), .request(both)]
        let triple = Array(repeating: RateLimitCheck(policy: perSecond, key: "v"), count: 3)
        steps += [.request(triple), .request([RateLimitCheck(policy: perSecond, key: "v", cost: 2)])]
        let logs = [RateLimitCheck(policy: log, key: "w", cost: 2), RateLimitCheck(policy: log, key: "w", cost: 1)]
        steps += [
            .request(logs), .advance(microseconds: 4_000_000), .request(logs),
            .request([RateLimitCheck(policy: log, key: "w", cost: 0)]),
        ]
        steps += [.advance(microseconds: 6_000_001), .request(logs)]
        let buckets = [
            RateLimitCheck(policy: bucket, key: "x", cost: 2), RateLimitCheck(policy: bucket, key: "x", cost: 2),
        ]
        steps += [
            .request(buckets), .request([RateLimitCheck(policy: bucket, key: "x", cost: 2)]),
            .advance(microseconds: 1_500_000), .request(buckets),
        ]
        let sixteen = (0..<16).map { index in
            RateLimitCheck(policy: [perSecond, perHour, log, bucket][index % 4], key: "k\(index % 3)")
        }
        steps += [.request(sixteen), .request(sixteen), .advance(microseconds: 2_000_000), .request(sixteen)]
        let counts = try await compare(steps)
        #expect(counts.admitted > 3 && counts.rejected > 3)
    }

    @Test("weighted sliding-window logs: costs up to the limit, many entries, duplicates and 16 descriptors")
    func weightedLogs() async throws {
        let large = try RateLimitPolicy(
            name: "swl-large",
            algorithm: .slidingWindowLog,
            limit: 100_000,
            window: .seconds(2)
        )
        let many = try RateLimitPolicy(
            name: "swl-many",
            algorithm: .slidingWindowLog,
            limit: 300,
            window: .milliseconds(900)
        )
        var random = SeededGenerator(state: 11)
        var steps: [Step] = []
        for _ in 0..<500 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<40: steps.append(.advance(microseconds: Int64.random(in: 0...60_000, using: &random)))
            case 40..<45: steps.append(.advance(microseconds: Int64.random(in: 2_000_000...4_000_000, using: &random)))
            case 45..<60: steps.append(.advanceToRetry(offset: Int64.random(in: -1...0, using: &random)))
            default: break
            }
            let checks = (0..<Int.random(in: 1...3, using: &random)).map { _ -> RateLimitCheck in
                let policy = Bool.random(using: &random) ? large : many
                let cost =
                    switch Int.random(in: 0..<10, using: &random) {
                    case 0: 0
                    case 1: policy.limit + 1
                    case 2...4: Int.random(in: 1...policy.limit, using: &random)
                    default: Int.random(in: 1...(policy.limit / 20), using: &random)
                    }
                return RateLimitCheck(policy: policy, key: ["a", "b"].randomElement(using: &random)!, cost: cost)
            }
            steps.append(.request(checks))
        }
        let hostile = (0..<16).map { RateLimitCheck(policy: large, key: "h\($0 % 5)", cost: 100_000 / (1 + $0 % 5)) }
        steps += [
            .request(hostile), .advance(microseconds: 2_000_001), .request(hostile), .request(Array(hostile.prefix(5))),
        ]
        let counts = try await compare(steps)
        #expect(counts.admitted > 50 && counts.rejected > 50, "\(counts)")
    }

    @Test("a policy whose algorithm changed starts its keys afresh, as in memory")
    func algorithmChange() async throws {
        var steps: [Step] = []
        let algorithms: [RateLimitAlgorithm] = [
            .gcra, .slidingWindowLog, .tokenBucket, .fixedWindow, .slidingWindowCounter, .gcra, .tokenBucket,
            .slidingWindowLog,
        ]
        for algorithm in algorithms {
            let policy = try RateLimitPolicy(name: "shifting", algorithm: algorithm, limit: 3, window: .seconds(10))
            steps += [
                .request([RateLimitCheck(policy: policy, key: "k", cost: 2)]),
                .request([RateLimitCheck(policy: policy, key: "k", cost: 2)]),
                .advance(microseconds: 1_000),
            ]
        }
        try await compare(steps)
    }

    // MARK: - Helpers

    static func randomSteps(
        policies: [RateLimitPolicy],
        count: Int,
        maximumChecks: Int = 3,
        using random: inout SeededGenerator
    ) -> [Step] {
        let window = policies.map(\.windowMicroseconds).max()!
        var steps: [Step] = []
        for _ in 0..<count {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<35:
                steps.append(.advance(microseconds: Int64.random(in: 0...(window / 4), using: &random)))
            case 35..<40:
                steps.append(.advance(microseconds: Int64.random(in: 1...3, using: &random)))
            case 40..<43:
                steps.append(.advance(microseconds: Int64.random(in: window...(3 * window), using: &random)))
            case 43..<55:
                steps.append(.advanceToRetry(offset: Int64.random(in: -1...0, using: &random)))
            default:
                break
            }
            let checks = (0..<Int.random(in: 1...maximumChecks, using: &random)).map { _ -> RateLimitCheck in
                let policy = policies.randomElement(using: &random)!
                let cost =
                    switch Int.random(in: 0..<10, using: &random) {
                    case 0: 0
                    case 1: policy.capacity + Int.random(in: 1...2, using: &random)
                    case 2: Int.random(in: 1...policy.capacity, using: &random)
                    default: 1
                    }
                return RateLimitCheck(policy: policy, key: ["a", "b"].randomElement(using: &random)!, cost: cost)
            }
            steps.append(.request(checks))
        }
        return steps
    }

    static func describe(_ checks: [RateLimitCheck]) -> String {
        checks.map { "\($0.policy.name)/\($0.key)×\($0.cost)" }.joined(separator: " ")
    }

    static func describe(_ result: RateLimitResult) -> String {
        "\(result.allowed ? "admitted" : "rejected") "
            + result.decisions.map { decision in
                "[\(decision.allowed ? "+" : "-") remaining \(decision.remaining) reset \(decision.resetAfter) retry \(decision.retryAfter.map { "\($0)" } ?? "nil")]"
            }.joined(separator: " ")
    }
}
