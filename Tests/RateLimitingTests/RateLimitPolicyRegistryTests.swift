import Foundation
import Logging
import Platform
import RateLimiting
import Redis
import Storage
import Synchronization
import TestSupport
import Testing

/// The registry: a synchronous cache kept in step with its store, across instances through Redis pub/sub.
@Suite(.timeLimit(.minutes(1)))
struct RateLimitPolicyRegistryTests {
    /// Runs `registries` as services while `body` runs.
    func running<Result: Sendable>(
        _ registries: [RateLimitPolicyRegistry],
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for registry in registries { group.addTask { try await registry.run() } }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test(
        "a change through one instance reaches another within a second; invalid JSON is logged and skipped",
        .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
    )
    func twoInstances() async throws {
        let prefix = TestServers.uniqueKeyPrefix() + "rl"
        let lines = CapturedLogs()
        try await RedisRateLimitTesting.withClient { clientA in
            try await RedisRateLimitTesting.withClient { clientB in
                try await RedisRateLimitTesting.withSubscriber { subscriberA in
                    try await RedisRateLimitTesting.withSubscriber { subscriberB in
                        // A long backstop: only the notices can make the changes arrive within the bounds below.
                        let a = RateLimitPolicyRegistry(
                            store: RedisRateLimitPolicyStore(
                                client: clientA,
                                subscriber: subscriberA,
                                keyPrefix: prefix,
                                logger: RedisRateLimitTesting.quietLogger
                            ),
                            reloadInterval: .seconds(3600),
                            logger: RedisRateLimitTesting.quietLogger
                        )
                        let storeB = RedisRateLimitPolicyStore(
                            client: clientB,
                            subscriber: subscriberB,
                            keyPrefix: prefix,
                            logger: lines.logger()
                        )
                        let b = RateLimitPolicyRegistry(
                            store: storeB,
                            reloadInterval: .seconds(3600),
                            logger: RedisRateLimitTesting.quietLogger
                        )
                        try await running([a, b]) {
                            try await waitUntil(timeout: .seconds(60)) { a.isLoaded && b.isLoaded }
                            // Subscribed (the first notice of each watch is its own establishment): wait for B's
                            // subscription to show on the server, so the bound below measures propagation only.
                            try await waitUntil(timeout: .seconds(60)) {
                                let reply = try await clientA.send(["PUBSUB", "NUMSUB", storeB.changesChannel])
                                return reply.elements?.last?.integer == 2
                            }
                            let policy = try RateLimitPolicy(
                                name: "shared",
                                algorithm: .gcra,
                                limit: 5,
                                window: .seconds(1)
                            )
                            let clock = ContinuousClock()
                            var start = clock.now
                            try await a.put(policy)
                            #expect(
                                a.policy(named: "shared") == policy,
                                "the writer's cache is updated before put returns"
                            )
                            try await waitUntil(timeout: .seconds(60), interval: .milliseconds(5)) {
                                b.policy(named: "shared") == policy
                            }
                            // The guarantee is "within a second"; pub/sub takes milliseconds. The backstop reload is an
                            // hour away, so any bound far below it proves the notice path; 30 s tolerates a loaded machine.
                            #expect(
                                clock.now - start < .seconds(30),
                                "reached the other instance in \(clock.now - start)"
                            )

                            let changed = try RateLimitPolicy(
                                name: "shared",
                                algorithm: .tokenBucket,
                                limit: 7,
                                window: .seconds(2)
                            )
                            start = clock.now
                            try await b.put(changed)
                            try await waitUntil(timeout: .seconds(60), interval: .milliseconds(5)) {
                                a.policy(named: "shared") == changed
                            }
                            // The guarantee is "within a second"; pub/sub takes milliseconds. The backstop reload is an
                            // hour away, so any bound far below it proves the notice path; 30 s tolerates a loaded machine.
                            #expect(
                                clock.now - start < .seconds(30),
                                "reached the other instance in \(clock.now - start)"
                            )

                            // Invalid JSON written by hand, then announced: B logs it, skips it, keeps the rest.
                            try await clientA.hashSet(
                                storeB.policiesKey,
                                fields: [(key: "hand-made", value: "{\"name\": \"hand-made\", oops")]
                            )
                            try await clientA.publish(storeB.changesChannel, message: "hand-made")
                            try await waitUntil(timeout: .seconds(60), interval: .milliseconds(5)) {
                                !lines.matching("Invalid rate-limit policy skipped", "hand-made").isEmpty
                            }
                            #expect(b.all == [changed])
                            #expect(b.policy(named: "hand-made") == nil)

                            start = clock.now
                            #expect(try await a.delete(name: "shared"))
                            #expect(a.policy(named: "shared") == nil)
                            try await waitUntil(timeout: .seconds(60), interval: .milliseconds(5)) {
                                b.policy(named: "shared") == nil
                            }
                            // The guarantee is "within a second"; pub/sub takes milliseconds. The backstop reload is an
                            // hour away, so any bound far below it proves the notice path; 30 s tolerates a loaded machine.
                            #expect(
                                clock.now - start < .seconds(30),
                                "reached the other instance in \(clock.now - start)"
                            )
                        }
                    }
                }
            }
        }
    }

    @Test(
        "without notices, the periodic reload catches changes made elsewhere",
        .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
    )
    func periodicReload() async throws {
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitTesting.policyStore(client)
            let registry = RateLimitPolicyRegistry(
                store: store,
                reloadInterval: .milliseconds(100),
                logger: RedisRateLimitTesting.quietLogger
            )
            try await running([registry]) {
                try await waitUntil(timeout: .seconds(60)) { registry.isLoaded }
                #expect(registry.all.isEmpty)
                let policy = try RateLimitPolicy(
                    name: "elsewhere",
                    algorithm: .fixedWindow,
                    limit: 3,
                    window: .seconds(60)
                )
                try await store.put(policy)  // straight into the store: no cache update, no notice
                try await waitUntil(timeout: .seconds(60)) { registry.policy(named: "elsewhere") == policy }
                _ = try await store.delete(name: "elsewhere")
                try await waitUntil(timeout: .seconds(60)) { registry.all.isEmpty }
            }
        }
    }

    @Test("on SQLite: loads at start, writes through, and survives restarts")
    func sqlite() async throws {
        try await RedisRateLimitTesting.withPolicyDatabase { storage in
            let store = SQLiteRateLimitPolicyStore(storage: storage, logger: RedisRateLimitTesting.quietLogger)
            let policy = try RateLimitPolicy(
                name: "local",
                algorithm: .slidingWindowCounter,
                limit: 50,
                window: .seconds(10)
            )
            try await store.put(policy)
            let registry = RateLimitPolicyRegistry(store: store, logger: RedisRateLimitTesting.quietLogger)
            #expect(!registry.isLoaded && registry.policy(named: "local") == nil)
            try await running([registry]) {
                try await waitUntil(timeout: .seconds(60)) { registry.isLoaded }
                #expect(registry.all == [policy])
                let other = try RateLimitPolicy(name: "other", algorithm: .gcra, limit: 1, window: .seconds(1))
                try await registry.put(other)
                #expect(registry.all.map(\.name) == ["local", "other"])
                #expect(try await registry.delete(name: "local"))
                #expect(!(try await registry.delete(name: "local")))
            }
            let restarted = RateLimitPolicyRegistry(store: store, logger: RedisRateLimitTesting.quietLogger)
            #expect(try await restarted.reload().map(\.name) == ["other"])
            try storage.close()
        }
    }

    @Test("a store that fails keeps the cache, and put reports the failure without changing it")
    func failingStore() async throws {
        let policy = try RateLimitPolicy(name: "kept", algorithm: .gcra, limit: 1, window: .seconds(1))
        let store = FlakyPolicyStore(policies: [policy])
        let registry = RateLimitPolicyRegistry(store: store, logger: RedisRateLimitTesting.quietLogger)
        #expect(try await registry.reload() == [policy])
        store.failing = true
        await #expect(throws: RateLimitError.self) { try await registry.reload() }
        #expect(registry.all == [policy])
        let other = try RateLimitPolicy(name: "other", algorithm: .gcra, limit: 1, window: .seconds(1))
        await #expect(throws: RateLimitError.self) { try await registry.put(other) }
        #expect(registry.policy(named: "other") == nil)
    }
}

/// A policy store in memory that can be made to fail.
final class FlakyPolicyStore: RateLimitPolicyStore {
    private let state: Mutex<(policies: [String: RateLimitPolicy], failing: Bool)>

    init(policies: [RateLimitPolicy]) {
        state = Mutex((Dictionary(uniqueKeysWithValues: policies.map { ($0.name, $0) }), false))
    }

    var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    private func check() throws {
        if failing { throw RateLimitError(.storeUnavailable, "failing on purpose") }
    }

    func all() async throws -> [RateLimitPolicy] {
        try check()
        return state.withLock { $0.policies.values.sorted { $0.name < $1.name } }
    }

    func put(_ policy: RateLimitPolicy) async throws {
        try check()
        state.withLock { $0.policies[policy.name] = policy }
    }

    func delete(name: String) async throws -> Bool {
        try check()
        return state.withLock { $0.policies.removeValue(forKey: name) != nil }
    }
}
