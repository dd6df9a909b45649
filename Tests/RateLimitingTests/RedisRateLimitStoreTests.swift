import Foundation
import Platform
import RateLimiting
import Redis
import TestSupport
import Testing

/// The Redis store on the Redis clock: key layout and expiry, hostile keys, exactness under concurrency from two
/// "instances", and failures.
@Suite(
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(2))
)
struct RedisRateLimitStoreTests {
    let prefix = TestServers.uniqueKeyPrefix() + "rl"

    @Test("keys are <prefix>:{<key>}:<policy>, and each expires with its state", arguments: RateLimitAlgorithm.allCases)
    func keysAndExpiry(algorithm: RateLimitAlgorithm) async throws {
        let policy = try RateLimitPolicy(
            name: "ttl-\(algorithm)",
            algorithm: algorithm,
            limit: 10,
            window: .seconds(60)
        )
        // The longest a key may live after one unit: GCRA and token bucket one interval (6 s); a fixed window
        // up to its end; a counter up to the end of the next window; a log one window.
        let expectedMilliseconds: Int =
            switch algorithm {
            case .gcra, .tokenBucket: 6_000
            case .fixedWindow, .slidingWindowLog: 60_000
            case .slidingWindowCounter: 120_000
            }
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix)
            // A long window's key outlives the test; a short one's may already be gone if the machine stalls, so
            // retry until the PTTL is read while the key exists (bounded).
            var attempts = 0
            while true {
                attempts += 1
                let key = "user-\(attempts)"
                let result = try await store.check([RateLimitCheck(policy: policy, key: key)])
                #expect(result.allowed)
                let redisKey = store.redisKey(for: key, policy: policy.name)
                #expect(redisKey == "\(prefix):{\(key)}:\(policy.name)")
                let ttl = try #require(try await client.send(["PTTL", redisKey]).integer)
                let type = try await client.send(["TYPE", redisKey]).string
                // Expired before we looked, or between PTTL and TYPE: only possible on a machine stalled for seconds.
                if (ttl == -2 || type == "none") && attempts < 20 { continue }
                #expect(
                    ttl > 0 && ttl <= expectedMilliseconds,
                    "PTTL \(ttl) ms, expected in 1...\(expectedMilliseconds)"
                )
                #expect(type == (algorithm == .slidingWindowLog ? "zset" : "string"))
                break
            }
        }
    }

    @Test("the hash tag holds the whole key, escaped, so one key's policies share a slot and keys never collide")
    func hashTags() async throws {
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: "app{1}")
            let keys = ["plain", "}", "{", "a}b", "{x}", "%7D", "%", "}:p", "a%7Db"]
            var seen: [String: String] = [:]
            for key in keys {
                for policy in ["p", "q"] {
                    let redisKey = store.redisKey(for: key, policy: policy)
                    // Redis hashes the part between the first "{" and the first "}" after it.
                    let open = try #require(redisKey.firstIndex(of: "{"))
                    let close = try #require(redisKey[open...].firstIndex(of: "}"))
                    let tag = String(redisKey[redisKey.index(after: open)..<close])
                    #expect(redisKey.hasPrefix("app%7B1%7D:{"))
                    #expect(String(redisKey[redisKey.index(after: close)...]) == ":\(policy)", "\(redisKey)")
                    if seen[key] == nil {
                        seen[key] = tag
                    } else {
                        #expect(seen[key] == tag, "\(key): both policies share the tag")
                    }
                }
            }
            #expect(Set(seen.values).count == keys.count, "distinct keys get distinct tags: \(seen)")
        }
    }

    @Test(
        "a key holding something else (garbage, a list, a hash) counts as fresh and is overwritten",
        arguments: RateLimitAlgorithm.allCases
    )
    func foreignValues(algorithm: RateLimitAlgorithm) async throws {
        let policy = try RateLimitPolicy(
            name: "foreign-\(algorithm)",
            algorithm: algorithm,
            limit: 3,
            window: .seconds(3600)
        )
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix)
            let writes: [(String, [String])] = [
                ("garbage", ["SET", "", "gcra not-a-number"]),
                ("words", ["SET", "", "tb 1 2"]),
                ("list", ["RPUSH", "", "a", "b"]),
                ("hash", ["HSET", "", "tat", "99999999999999999"]),
            ]
            for (key, command) in writes {
                let redisKey = store.redisKey(for: key, policy: policy.name)
                var arguments = command
                arguments[1] = redisKey
                try await client.send(arguments)
                let first = try await store.check([RateLimitCheck(policy: policy, key: key, cost: 2)])
                #expect(first.allowed && first.decisions[0].remaining == 1, "\(key)")
                #expect(!(try await store.check([RateLimitCheck(policy: policy, key: key, cost: 2)])).allowed, "\(key)")
                let type = try await client.send(["TYPE", redisKey]).string
                #expect(type == (algorithm == .slidingWindowLog ? "zset" : "string"), "\(key)")
            }
        }
    }

    @Test(
        "auto-pipelining: hundreds of concurrent decisions on few pipelines each get their own answer",
        arguments: [0, 1, 3]
    )
    func pipelinedRepliesReachTheirCallers(pipelines: Int) async throws {
        let policy = try RateLimitPolicy(name: "pipelined", algorithm: .fixedWindow, limit: 10, window: .seconds(3600))
        try await RedisRateLimitTesting.withClient(maximumConnections: 4) { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix + ":\(pipelines)", pipelines: pipelines)
            // Every caller has its own key and cost: a reply delivered to the wrong caller shows as a wrong remaining.
            let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
                for caller in 0..<300 {
                    group.addTask {
                        let cost = caller % 7 + 1
                        let result = try await store.check([
                            RateLimitCheck(policy: policy, key: "caller-\(caller)", cost: cost)
                        ])
                        return result.allowed && result.decisions[0].key == "caller-\(caller)"
                            && result.remaining == 10 - cost ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(mismatches == 0)
            // And the state each decision left is its own.
            for caller in [0, 1, 6, 150, 299] {
                let peek = try await store.check([RateLimitCheck(policy: policy, key: "caller-\(caller)", cost: 0)])
                #expect(peek.remaining == 10 - (caller % 7 + 1))
            }
        }
    }

    @Test("hostile keys (quotes, braces, newlines, NUL, 512-byte UTF-8) are separate keys that work")
    func hostileKeys() async throws {
        let policy = try RateLimitPolicy(name: "hostile", algorithm: .gcra, limit: 1, window: .seconds(3600), burst: 2)
        let keys = [
            "'\"quoted\"'", "{brace", "brace}", "{}", "}{", "new\nline\r\n", "nul\u{0}byte", "tab\tspace ",
            String(repeating: "é", count: 256), String(repeating: "🚦", count: 128), "%7D", "}", "--\\", "lua']..('",
        ]
        #expect(keys.contains { $0.utf8.count == RateLimitCheck.maximumKeyLength })
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitStore(client: client, keyPrefix: prefix)
            for key in keys {
                let first = try await store.check([RateLimitCheck(policy: policy, key: key)])
                #expect(first.allowed && first.decisions[0].remaining == 1, "\(key.debugDescription)")
                #expect(first.decisions[0].key == key)
            }
            // Each key counted alone: a second unit each is admitted, a third is not.
            for key in keys {
                #expect(try await store.check([RateLimitCheck(policy: policy, key: key)]).allowed)
                #expect(!(try await store.check([RateLimitCheck(policy: policy, key: key)]).allowed))
            }
            let tooLong = String(repeating: "x", count: RateLimitCheck.maximumKeyLength + 1)
            await #expect(throws: RateLimitError.self) {
                try await store.check([RateLimitCheck(policy: policy, key: tooLong)])
            }
        }
    }

    @Test(
        "50 concurrent callers through two pools (two instances) on one key admit exactly the burst",
        arguments: [
            RateLimitAlgorithm.gcra, .tokenBucket,
        ]
    )
    func exactUnderConcurrency(algorithm: RateLimitAlgorithm) async throws {
        // One unit per hour refills: nothing refills during the test, so exactly the burst passes.
        let policy = try RateLimitPolicy(
            name: "race-\(algorithm)",
            algorithm: algorithm,
            limit: 1,
            window: .seconds(3600),
            burst: 37
        )
        let admitted = try await RedisRateLimitTesting.withClient(maximumConnections: 25) { first in
            try await RedisRateLimitTesting.withClient(maximumConnections: 25) { second in
                let stores = [
                    RedisRateLimitStore(client: first, keyPrefix: prefix),
                    RedisRateLimitStore(client: second, keyPrefix: prefix),
                ]
                return try await withThrowingTaskGroup(of: Int.self) { group in
                    for caller in 0..<50 {
                        group.addTask {
                            var admitted = 0
                            for _ in 0..<4 {
                                let result = try await stores[caller % 2].check([
                                    RateLimitCheck(policy: policy, key: "shared")
                                ])
                                if result.allowed { admitted += 1 }
                            }
                            return admitted
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
        }
        #expect(admitted == 37)
    }

    @Test("decisions use the Redis clock: no instance time goes over the wire, and refills follow the server's TIME")
    func redisClock() async throws {
        // One unit per second. An admitted check followed by a second one, both sent and answered within less than
        // a second by this process's clock, must see the second rejected. On a loaded machine a pair can take longer
        // (the server's clock then moved on too, and the pair proves nothing): such pairs are tried again, bounded.
        let policy = try RateLimitPolicy(name: "clock", algorithm: .gcra, limit: 1, window: .seconds(1), burst: 1)
        try await RedisRateLimitTesting.withClient { client in
            let recorder = RecordingExecutor(client)
            let store = RedisRateLimitStore(client: recorder, keyPrefix: prefix)
            let check = RateLimitCheck(policy: policy, key: "clock")
            let clock = ContinuousClock()
            var rejected: RateLimitResult?
            for _ in 0..<3_000 where rejected == nil {
                let began = clock.now
                guard try await store.check([check]).allowed else {
                    try await Task.sleep(for: .milliseconds(10))  // the last pair's unit is not back yet
                    continue
                }
                let second = try await store.check([check])
                if clock.now - began < .seconds(1) { rejected = second }
            }
            let answer = try #require(rejected, "no pair of checks completed within a second in 3,000 tries")
            #expect(!answer.allowed)
            let retry = try #require(answer.retryAfter)
            #expect(retry > .zero && retry <= .seconds(1))
            // Admitted again once the server's clock moved on by the interval (polled, generous bound).
            try await waitUntil(timeout: .seconds(10), interval: .milliseconds(10)) {
                try await store.check([check]).allowed
            }
            let evaluations = recorder.recorded.filter { $0.first == "EVALSHA" }
            #expect(evaluations.count >= 3)
            // Every call sent the same words, whatever this process's clock said: `time` asks for Redis's TIME.
            #expect(Set(evaluations.map { $0 }).count == 1)
            #expect(evaluations.first?[4] == "time")
            #expect(
                evaluations.first == ["EVALSHA", RedisRateLimitStore.script.sha1] + store.scriptArguments(for: [check])
            )
        }
    }

    @Test("the script is reloaded after SCRIPT FLUSH; a frozen server times out, a dead one is unavailable, quickly")
    func failures() async throws {
        let policy = try RateLimitPolicy(name: "faults", algorithm: .gcra, limit: 10, window: .seconds(1))
        let check = RateLimitCheck(policy: policy, key: "k")
        try await OwnRedisServer.with { server in
            try await RedisRateLimitTesting.withClient(url: server.url, fastFailures: true) { client in
                let store = RedisRateLimitStore(client: client)
                // The pool's first connection may take longer than the 500 ms wait on a loaded machine: retry, bounded.
                try await waitUntil(timeout: .seconds(30), interval: .milliseconds(50)) {
                    (try? await store.check([check]))?.allowed == true
                }
                try await client.send(["SCRIPT", "FLUSH"])
                #expect(try await store.check([check]).allowed)

                let clock = ContinuousClock()
                server.process.kill(signal: ChildProcess.Signal(rawValue: SIGSTOP))
                var start = clock.now
                let frozen = await #expect(throws: RateLimitError.self) { try await store.check([check]) }
                #expect(frozen?.code == .storeTimeout, "\(String(describing: frozen))")
                #expect(clock.now - start < .seconds(5), "bounded by the 500 ms command timeout")
                #expect(frozen?.underlying is RedisError)
                server.process.kill(signal: ChildProcess.Signal(rawValue: SIGCONT))

                server.process.kill(signal: .kill)
                _ = try await server.process.waitForExit(timeout: .seconds(10))
                start = clock.now
                let dead = await #expect(throws: RateLimitError.self) { try await store.check([check]) }
                #expect(dead?.code == .storeUnavailable, "\(String(describing: dead))")
                #expect(clock.now - start < .seconds(5), "bounded by the 500 ms connection wait")
            }
        }
    }
}
