import RateLimiting
import Testing

/// The five algorithms, exact against an injected clock, through the in-memory store's synchronous path.
@Suite struct AlgorithmTests {
    let clock = ManualRateLimitClock(microseconds: 1_000_000_000_000)  // aligned on every window used below

    func store() -> InMemoryRateLimitStore { InMemoryRateLimitStore(clock: clock, shardCount: 4) }

    @Test("GCRA answers like redis-cell's CL.THROTTLE user123 15 30 60")
    func gcraMatchesRedisCell() throws {
        // max_burst 15 → burst 16; 30 per 60 s → one every 2 s.
        let policy = try RateLimitPolicy(name: "cell", algorithm: .gcra, limit: 30, window: .seconds(60), burst: 16)
        let store = store()
        let first = store.decide(RateLimitCheck(policy: policy, key: "user123"))
        #expect(first.allowed)
        #expect(first.limit == 16)
        #expect(first.remaining == 15)
        #expect(first.retryAfter == nil)
        #expect(first.resetAfter == .seconds(2))
        for expected in (0..<15).reversed() {
            let decision = store.decide(RateLimitCheck(policy: policy, key: "user123"))
            #expect(decision.allowed)
            #expect(decision.remaining == expected)
        }
        let rejected = store.decide(RateLimitCheck(policy: policy, key: "user123"))
        #expect(!rejected.allowed)
        #expect(rejected.remaining == 0)
        #expect(rejected.retryAfter == .seconds(2))
        #expect(rejected.resetAfter == .seconds(32))
        clock.advance(by: .milliseconds(1999))
        #expect(!store.decide(RateLimitCheck(policy: policy, key: "user123")).allowed)
        clock.advance(by: .milliseconds(1))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "user123")).allowed)
        // Other keys are independent.
        #expect(store.decide(RateLimitCheck(policy: policy, key: "user456")).remaining == 15)
    }

    @Test("GCRA with a cost: consumes cost × interval, and a cost above the burst never passes")
    func gcraCost() throws {
        let policy = try RateLimitPolicy(name: "cost", algorithm: .gcra, limit: 10, window: .seconds(1))
        let store = store()
        let seven = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 7))
        #expect(seven.allowed && seven.remaining == 3)
        let four = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 4))
        #expect(!four.allowed)
        #expect(four.retryAfter == .milliseconds(100))
        let three = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 3))
        #expect(three.allowed && three.remaining == 0)
        let huge = store.decide(RateLimitCheck(policy: policy, key: "fresh", cost: 11))
        #expect(!huge.allowed)
        #expect(huge.retryAfter == nil)
        #expect(huge.remaining == 10)
        let peek = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 0))
        #expect(peek.allowed && peek.remaining == 0)
    }

    @Test("token bucket: capacity at once, then refills at the rate")
    func tokenBucket() throws {
        let policy = try RateLimitPolicy(name: "tb", algorithm: .tokenBucket, limit: 2, window: .seconds(1), burst: 5)
        let store = store()
        for expected in (0..<5).reversed() {
            let decision = store.decide(RateLimitCheck(policy: policy, key: "k"))
            #expect(decision.allowed && decision.remaining == expected)
        }
        let rejected = store.decide(RateLimitCheck(policy: policy, key: "k"))
        #expect(!rejected.allowed)
        #expect(rejected.retryAfter == .milliseconds(500))
        #expect(rejected.resetAfter == .milliseconds(2500))
        clock.advance(by: .milliseconds(500))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k")).allowed)
        #expect(!store.decide(RateLimitCheck(policy: policy, key: "k")).allowed)
        clock.advance(by: .seconds(10))
        let full = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 5))
        #expect(full.allowed && full.remaining == 0)
        let tooMuch = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 6))
        #expect(!tooMuch.allowed && tooMuch.retryAfter == nil)
    }

    @Test("fixed window: the limit per aligned window, reset at its end")
    func fixedWindow() throws {
        let policy = try RateLimitPolicy(name: "fw", algorithm: .fixedWindow, limit: 3, window: .seconds(10))
        let store = store()
        clock.advance(by: .seconds(4))
        for expected in [2, 1, 0] {
            let decision = store.decide(RateLimitCheck(policy: policy, key: "k"))
            #expect(decision.allowed && decision.remaining == expected)
            #expect(decision.resetAfter == .seconds(6))
        }
        let rejected = store.decide(RateLimitCheck(policy: policy, key: "k"))
        #expect(!rejected.allowed)
        #expect(rejected.retryAfter == .seconds(6))
        clock.advance(by: .seconds(6))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k")).remaining == 2)
    }

    @Test("sliding-window counter: the previous window's count decays linearly")
    func slidingWindowCounter() throws {
        let policy = try RateLimitPolicy(name: "swc", algorithm: .slidingWindowCounter, limit: 10, window: .seconds(10))
        let store = store()
        clock.advance(by: .seconds(5))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k", cost: 10)).allowed)
        #expect(!store.decide(RateLimitCheck(policy: policy, key: "k")).allowed)
        // Next window at 0 s elapsed: the estimate is 10 × 1 + 0.
        clock.advance(by: .seconds(5))
        let rejected = store.decide(RateLimitCheck(policy: policy, key: "k"))
        #expect(!rejected.allowed)
        #expect(rejected.retryAfter == .seconds(1))  // at 1 s the previous weighs 9
        // Half way: the estimate is 10 × 0.5 = 5.
        clock.advance(by: .seconds(5))
        let half = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 5))
        #expect(half.allowed && half.remaining == 0)
        #expect(!store.decide(RateLimitCheck(policy: policy, key: "k")).allowed)
    }

    @Test("sliding-window log: exact over any window-long span")
    func slidingWindowLog() throws {
        let policy = try RateLimitPolicy(name: "swl", algorithm: .slidingWindowLog, limit: 3, window: .seconds(10))
        let store = store()
        for _ in 0..<3 {
            #expect(store.decide(RateLimitCheck(policy: policy, key: "k")).allowed)
            clock.advance(by: .seconds(1))
        }
        let rejected = store.decide(RateLimitCheck(policy: policy, key: "k"))
        #expect(!rejected.allowed)
        #expect(rejected.retryAfter == .seconds(7))
        #expect(rejected.resetAfter == .seconds(9))
        let two = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 2))
        #expect(two.retryAfter == .seconds(8))
        clock.advance(by: .seconds(7))
        let admitted = store.decide(RateLimitCheck(policy: policy, key: "k"))
        #expect(admitted.allowed && admitted.remaining == 0)
        clock.advance(by: .seconds(10))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k", cost: 3)).allowed)
    }

    @Test("several policies on one request: admitted only if all admit, nothing consumed otherwise")
    func severalPolicies() throws {
        let perSecond = try RateLimitPolicy(name: "per-second", algorithm: .gcra, limit: 2, window: .seconds(1))
        let perHour = try RateLimitPolicy(name: "per-hour", algorithm: .fixedWindow, limit: 3, window: .seconds(3600))
        let store = store()
        let checks = [RateLimitCheck(policy: perSecond, key: "u"), RateLimitCheck(policy: perHour, key: "u")]
        #expect(store.decide(checks).allowed)
        #expect(store.decide(checks).allowed)
        let third = store.decide(checks)
        #expect(!third.allowed)
        #expect(third.decisions[0].allowed == false)
        #expect(third.decisions[1].allowed && third.decisions[1].remaining == 1)  // not consumed
        clock.advance(by: .seconds(1))
        #expect(store.decide(checks).allowed)
        clock.advance(by: .seconds(1))
        let hourly = store.decide(checks)
        #expect(!hourly.allowed)
        #expect(hourly.decisions[0].allowed && hourly.decisions[0].remaining == 2)  // the GCRA was not consumed
        #expect(hourly.retryAfter == hourly.decisions[1].retryAfter)
        // Two checks on one key and policy see each other.
        let twice = store.decide([
            RateLimitCheck(policy: perSecond, key: "v"), RateLimitCheck(policy: perSecond, key: "v"),
            RateLimitCheck(policy: perSecond, key: "v"),
        ])
        #expect(!twice.allowed)
        #expect(store.decide(RateLimitCheck(policy: perSecond, key: "v", cost: 2)).allowed)
    }

    @Test("idle keys expire and are freed")
    func expiry() throws {
        let policy = try RateLimitPolicy(name: "idle", algorithm: .gcra, limit: 10, window: .seconds(1))
        let log = try RateLimitPolicy(name: "log", algorithm: .slidingWindowLog, limit: 10, window: .seconds(1))
        let store = store()
        for index in 0..<1000 {
            _ = store.decide(RateLimitCheck(policy: policy, key: "key-\(index)"))
            _ = store.decide(RateLimitCheck(policy: log, key: "key-\(index)"))
        }
        #expect(store.keyCount == 2000)
        #expect(store.removeExpired() == 0)
        clock.advance(by: .seconds(1))
        #expect(store.removeExpired() == 2000)
        #expect(store.keyCount == 0)
    }

    @Test("two threads on one key on a frozen clock admit exactly the burst")
    func concurrentExactness() async throws {
        let policy = try RateLimitPolicy(
            name: "race",
            algorithm: .tokenBucket,
            limit: 1,
            window: .seconds(3600),
            burst: 5000
        )
        let store = store()
        let admitted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var count = 0
                    for index in 0..<5000 {
                        if store.decide(RateLimitCheck(policy: policy, key: "shared")).allowed { count += 1 }
                        if index % 500 == 0 { await Task.yield() }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 5000)
    }
}

@Suite struct InMemoryStoreScaleTests {
    @Test("many keys on many shards: every key keeps its own state, and sweeping shrinks the tables")
    func manyKeys() async throws {
        let clock = ManualRateLimitClock()
        let store = InMemoryRateLimitStore(clock: clock, shardCount: 64)
        let policy = try RateLimitPolicy(name: "scale", algorithm: .fixedWindow, limit: 2, window: .seconds(10))
        var wrong = 0
        for index in 0..<50_000 {
            if store.decide(RateLimitCheck(policy: policy, key: "k\(index)")).remaining != 1 { wrong += 1 }
            if index % 1000 == 0 { await Task.yield() }  // two cooperative threads are shared with every other test
        }
        for index in stride(from: 0, to: 50_000, by: 7) {
            if store.decide(RateLimitCheck(policy: policy, key: "k\(index)")).remaining != 0 { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(store.keyCount == 50_000)
        clock.advance(by: .seconds(10))
        #expect(store.removeExpired() == 50_000)
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k1")).remaining == 1)
    }
}
