import Foundation
import Logging
import Platform
import RateLimiting
import Redis
import TestSupport
import Testing

/// Issue 11, item 1: a sliding-window log's state follows the admitted requests, never their costs, and one
/// request's work is bounded whatever its costs (16 descriptors of cost 100,000 once made the in-memory store grow
/// by 450 MB and blocked Redis for 3 s, tripping the fallback for everyone).
@Suite struct SlidingWindowLogBoundsTests {
    let clock = ManualRateLimitClock(microseconds: 1_000_000_000_000)

    static func largeLog() throws -> RateLimitPolicy {
        try RateLimitPolicy(name: "large-log", algorithm: .slidingWindowLog, limit: 100_000, window: .seconds(10))
    }

    /// The request: 16 descriptors, each of cost 100,000 on a log of limit 100,000.
    static func hostileRequest(_ policy: RateLimitPolicy, round: Int) -> [RateLimitCheck] {
        (0..<RateLimitCheck.maximumChecks).map { RateLimitCheck(policy: policy, key: "k\(round)-\($0)", cost: 100_000) }
    }

    @Test("weighted requests: one entry per admitted request, answers exact")
    func oneEntryPerRequest() throws {
        let policy = try Self.largeLog()
        let store = InMemoryRateLimitStore(clock: clock, shardCount: 4)
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k", cost: 100_000)).allowed)
        #expect(store.stateEntryCount(policy: policy, key: "k") == 1)
        let full = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 1))
        #expect(!full.allowed && full.retryAfter == .seconds(10) && full.remaining == 0)
        #expect(store.stateEntryCount(policy: policy, key: "k") == 1)
        clock.advance(by: .seconds(10))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k", cost: 60_000)).allowed)
        clock.advance(by: .seconds(1))
        let rest = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 40_000))
        #expect(rest.allowed && rest.remaining == 0)
        // Exact: one more unit needs the 60,000 of 9 s ago to leave.
        let one = store.decide(RateLimitCheck(policy: policy, key: "k", cost: 1))
        #expect(!one.allowed && one.retryAfter == .seconds(9))
        // 60,001 units need both entries gone: the second leaves in 10 s.
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k", cost: 60_001)).retryAfter == .seconds(10))
        #expect(store.stateEntryCount(policy: policy, key: "k") == 2)
        clock.advance(by: .seconds(9))
        #expect(store.decide(RateLimitCheck(policy: policy, key: "k", cost: 60_000)).allowed)
        #expect(!store.decide(RateLimitCheck(policy: policy, key: "k", cost: 1)).allowed)
        #expect(store.stateEntryCount(policy: policy, key: "k") == 2)
    }

    @Test("the issue's request on the in-memory store: one entry per key, bounded time")
    func hostileRequestInMemory() throws {
        let policy = try Self.largeLog()
        let store = InMemoryRateLimitStore(clock: clock, shardCount: 4)
        var times: [Duration] = []
        let rounds = 200
        for round in 0..<rounds {
            let started = ContinuousClock.now
            let result = store.decide(Self.hostileRequest(policy, round: round))
            times.append(ContinuousClock.now - started)
            #expect(result.allowed)
        }
        times.sort()
        let (median, slowest) = (times[rounds / 2], times[rounds - 1])
        for round in [0, rounds / 2, rounds - 1] {
            for check in Self.hostileRequest(policy, round: round) {
                #expect(store.stateEntryCount(policy: policy, key: check.key) == 1)
            }
        }
        print("ratelimit.bounds memory: \(rounds) requests of 16 × cost 100,000: median \(median), slowest \(slowest)")
        // Tens of µs here in a debug build (the slowest one may be preempted on a shared machine): generous bounds;
        // the old log appended 1.6 million timestamps per request.
        #expect(median < .milliseconds(10) && slowest < .milliseconds(500), "median \(median), slowest \(slowest)")
    }

    @Test("a full log: a rejection and the expiry of 100,000 entries stay bounded")
    func fullLogInMemory() throws {
        let policy = try Self.largeLog()
        let store = InMemoryRateLimitStore(clock: clock, shardCount: 4)
        var admitted = 0
        for _ in 0..<100_000 {
            if store.decide(RateLimitCheck(policy: policy, key: "full")).allowed { admitted += 1 }
            clock.advance(microseconds: 1)
        }
        #expect(admitted == 100_000)
        #expect(store.stateEntryCount(policy: policy, key: "full") == 100_000)
        let rejectedAt = ContinuousClock.now
        let rejected = store.decide(
            Array(repeating: RateLimitCheck(policy: policy, key: "full", cost: 50_000), count: 16)
        )
        let rejection = ContinuousClock.now - rejectedAt
        #expect(!rejected.allowed)
        // The 50,000th oldest unit (admitted 49,999 µs after the first) leaves the window 10 s after it.
        #expect(rejected.decisions[0].retryAfter == .microseconds(10_000_000 - 100_000 + 49_999))
        clock.advance(by: .seconds(10))
        let expiryAt = ContinuousClock.now
        #expect(store.decide(RateLimitCheck(policy: policy, key: "full", cost: 100_000)).allowed)
        let expiry = ContinuousClock.now - expiryAt
        #expect(store.stateEntryCount(policy: policy, key: "full") == 1)
        print(
            "ratelimit.bounds memory: full log (100,000 entries): 16 rejections \(rejection), expiry of all \(expiry)"
        )
        // About 0.1 ms each here; generous bounds for a shared machine.
        #expect(
            rejection < .milliseconds(250) && expiry < .milliseconds(250),
            "rejection \(rejection), expiry \(expiry)"
        )
    }

    @Test("an error the request caused never switches the limiter to its fallback")
    func requestErrorsDoNotTripTheFallback() async throws {
        let store = RefusingStore()
        let limiter = RateLimiter(
            store: store,
            configuration: .init(decisionTimeout: .seconds(60), recoveryProbeInterval: .seconds(3600)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let policy = try Self.largeLog()
        await #expect(throws: RateLimitError.self) {
            try await limiter.check([RateLimitCheck(policy: policy, key: "refused")])
        }
        #expect(!limiter.isUsingFallback)
        let next = try await limiter.check([RateLimitCheck(policy: policy, key: "other")])
        #expect(next.allowed && next.source == .store)
    }
}

/// A store that refuses the key `refused` as the request's own fault, and answers every other.
final class RefusingStore: RateLimitStore {
    let inner = InMemoryRateLimitStore(clock: ManualRateLimitClock())

    func check(_ checks: [RateLimitCheck]) async throws -> RateLimitResult {
        if checks.contains(where: { $0.key == "refused" }) { throw RateLimitError(.invalidCost, "refused") }
        return inner.decide(checks)
    }
}

/// The same bounds on Redis: one sorted-set member per admitted request, and a worst-case request in bounded time.
@Suite(
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(3))
)
struct RedisSlidingWindowLogBoundsTests {
    let prefix = TestServers.uniqueKeyPrefix() + "rl"
    let clock = ManualRateLimitClock(microseconds: 1_000_000_000_000)

    @Test("ZCARD is the number of admitted requests, not units")
    func oneMemberPerRequest() async throws {
        let policy = try SlidingWindowLogBoundsTests.largeLog()
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix, clockOverride: clock)
            var admitted = 0
            for cost in [30_000, 1, 0, 50_000, 100_000, 19_999, 7, 1] {
                if try await store.check([RateLimitCheck(policy: policy, key: "k", cost: cost)]).allowed, cost > 0 {
                    admitted += 1
                }
                clock.advance(microseconds: 1_000)
            }
            #expect(admitted == 4)
            let key = store.redisKey(for: "k", policy: policy.name)
            #expect(try await client.send(["ZCARD", key]).integer == Int64(admitted))
            let memory = try await client.send(["MEMORY", "USAGE", key]).integer ?? 0
            #expect(memory < 4_096, "\(memory) bytes")
        }
    }

    @Test("the issue's request on Redis: one member per key, bounded time (SLOWLOG on a server of its own)")
    func hostileRequestOnRedis() async throws {
        let policy = try SlidingWindowLogBoundsTests.largeLog()
        // A server of the test's own, so SLOWLOG holds this test's commands only: the server-side time is what the
        // issue measured (3.07 s for one request), and it does not depend on how loaded the test client is.
        try await OwnRedisServer.with { server in
            try await RedisRateLimitTesting.withClient(url: server.url) { client in
                let store = RedisRateLimitStore(client: client, keyPrefix: prefix, clockOverride: clock)
                // The first request loads the script and opens a connection: not what is measured.
                #expect(try await store.check([RateLimitCheck(policy: policy, key: "warm-up")]).allowed)
                try await client.send(["CONFIG", "SET", "slowlog-log-slower-than", "0"])
                try await client.send(["CONFIG", "SET", "slowlog-max-len", "1000"])
                try await client.send(["SLOWLOG", "RESET"])
                var times: [Duration] = []
                let rounds = 20
                for round in 0..<rounds {
                    let started = ContinuousClock.now
                    let result = try await store.check(SlidingWindowLogBoundsTests.hostileRequest(policy, round: round))
                    times.append(ContinuousClock.now - started)
                    #expect(result.allowed)
                }
                times.sort()
                let (median, slowest) = (times[rounds / 2], times[rounds - 1])
                // SLOWLOG entries: [id, timestamp, microseconds, [command, arguments…], …].
                let entries = try await client.send(["SLOWLOG", "GET", "1000"]).elements ?? []
                let scripts = entries.compactMap { entry -> Int64? in
                    guard let fields = entry.elements, fields.count >= 4,
                        fields[3].elements?.first?.string?.uppercased() == "EVALSHA"
                    else { return nil }
                    return fields[2].integer
                }
                #expect(!scripts.isEmpty && scripts.count <= rounds, "\(scripts.count) script calls logged")
                let serverSlowest = Duration.microseconds(scripts.max() ?? 0)
                for check in SlidingWindowLogBoundsTests.hostileRequest(policy, round: rounds - 1) {
                    let key = store.redisKey(for: check.key, policy: policy.name)
                    #expect(try await client.send(["ZCARD", key]).integer == 1)
                }
                print(
                    "ratelimit.bounds redis: \(rounds) requests of 16 × cost 100,000: server (SLOWLOG) slowest \(serverSlowest); round trip median \(median), slowest \(slowest)"
                )
                // Under 4 ms in Redis (the claim: the old log took 3 s there). The round trip adds the debug test
                // client on a loaded machine (20-85 ms median seen): a loose bound, and a hang guard.
                #expect(serverSlowest < .milliseconds(50), "server time \(serverSlowest)")
                #expect(median < .milliseconds(500) && slowest < .seconds(5), "median \(median), slowest \(slowest)")
            }
        }
    }

    @Test("hostile requests do not switch the limiter to its fallback: an unrelated key is still limited exactly")
    func hostileRequestsDoNotTripTheFallback() async throws {
        let log = try SlidingWindowLogBoundsTests.largeLog()
        let demo = try RateLimitPolicy(name: "demo", algorithm: .gcra, limit: 5, window: .seconds(10), burst: 5)
        // A server of its own: the 2 s decision timeout is about these requests, not about the shared server's load
        // from other suites (their 100,000-member logs block it for longer).
        try await OwnRedisServer.with { server in try await hostileRequestsOn(server, log: log, demo: demo) }
    }

    func hostileRequestsOn(_ server: OwnRedisServer, log: RateLimitPolicy, demo: RateLimitPolicy) async throws {
        try await RedisRateLimitTesting.withClient(url: server.url) { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix, clockOverride: clock)
            // The first check opens a connection and loads the script: on a loaded machine that alone can pass the
            // decision timeout, which is not what this test is about.
            _ = try await store.check([RateLimitCheck(policy: demo, key: "warm-up")])
            try await client.send(["CONFIG", "SET", "slowlog-log-slower-than", "0"])
            try await client.send(["CONFIG", "SET", "slowlog-max-len", "1000"])
            try await client.send(["SLOWLOG", "RESET"])
            let limiter = RateLimiter(
                store: store,
                // The decision timeout is generous: a CI machine running every suite at once delayed this debug test
                // client by seconds (a 3.5 s round trip was seen), which is not what this test is about. What the
                // hostile requests cost Redis itself is asserted below from SLOWLOG, against the 3 s one request of
                // the old log took there.
                configuration: .init(decisionTimeout: .seconds(15), recoveryProbeInterval: .seconds(3600)),
                logger: RedisRateLimitTesting.quietLogger
            )
            let results = try await withThrowingTaskGroup(of: [RateLimitResult].self) { group in
                group.addTask {
                    var results: [RateLimitResult] = []
                    for round in 0..<30 {
                        results.append(
                            try await limiter.check(SlidingWindowLogBoundsTests.hostileRequest(log, round: round))
                        )
                    }
                    return results
                }
                group.addTask {
                    var results: [RateLimitResult] = []
                    for _ in 0..<40 {
                        results.append(try await limiter.check([RateLimitCheck(policy: demo, key: "ip:a")]))
                    }
                    return results
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(!limiter.isUsingFallback)
            #expect(
                results.allSatisfy { $0.source == .store },
                "\(results.filter { $0.source != .store }.count) by a fallback"
            )
            // On the frozen clock the demo key admits exactly its burst: none admitted by fail-open.
            #expect(results.filter { $0.decisions.first?.policy.name == "demo" && $0.allowed }.count == 5)
            // SLOWLOG entries: [id, timestamp, microseconds, [command, arguments…], …]. Every script call of both
            // tasks, hostile ones included, held the server for far less than any decision timeout.
            let entries = try await client.send(["SLOWLOG", "GET", "1000"]).elements ?? []
            let scripts = entries.compactMap { entry -> Int64? in
                guard let fields = entry.elements, fields.count >= 4,
                    fields[3].elements?.first?.string?.uppercased() == "EVALSHA"
                else { return nil }
                return fields[2].integer
            }
            #expect(scripts.count >= 30, "\(scripts.count) script calls logged")
            let serverSlowest = Duration.microseconds(scripts.max() ?? 0)
            #expect(serverSlowest < .milliseconds(50), "server time \(serverSlowest)")
        }
    }

    @Test("a full log on Redis: 16 rejections and the expiry of 100,000 members stay bounded")
    func fullLogOnRedis() async throws {
        let policy = try SlidingWindowLogBoundsTests.largeLog()
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix, clockOverride: clock)
            let key = store.redisKey(for: "full", policy: policy.name)
            // 100,000 requests of cost 1, one µs apart, written as the script writes them (far faster than
            // 100,000 decisions): member r<running total, 16 digits>:<cost>, scored by the time.
            let start = clock.nowMicroseconds
            for batch in stride(from: 0, to: 100_000, by: 1_000) {
                var command = ["ZADD", key]
                for index in batch..<(batch + 1_000) {
                    command.append("\(start + Int64(index))")
                    command.append("r" + String(repeating: "0", count: 16 - String(index + 1).count) + "\(index + 1):1")
                }
                _ = try await client.send(command)
            }
            _ = try await client.send(["PEXPIRE", key, "3600000"])
            clock.advance(microseconds: 100_000)
            let rejectedAt = ContinuousClock.now
            let rejected = try await store.check(
                Array(repeating: RateLimitCheck(policy: policy, key: "full", cost: 50_000), count: 16)
            )
            let rejection = ContinuousClock.now - rejectedAt
            #expect(!rejected.allowed)
            #expect(rejected.decisions[0].retryAfter == .microseconds(10_000_000 - 100_000 + 49_999))
            clock.advance(by: .seconds(10))
            let expiryAt = ContinuousClock.now
            #expect(try await store.check([RateLimitCheck(policy: policy, key: "full", cost: 100_000)]).allowed)
            let expiry = ContinuousClock.now - expiryAt
            // At most 256 expired members leave per write; the others no longer count and leave with later writes.
            #expect(try await client.send(["ZCARD", key]).integer == 100_000 - 256 + 1)
            #expect(!(try await store.check([RateLimitCheck(policy: policy, key: "full", cost: 1)]).allowed))
            print(
                "ratelimit.bounds redis: full log (100,000 members): 16 rejections \(rejection), expiry step \(expiry)"
            )
            // Milliseconds here, round trip included; generous bounds for a shared machine.
            #expect(
                rejection < .seconds(1) && expiry < .seconds(1),
                "rejection \(rejection), expiry \(expiry)"
            )
        }
    }
}
