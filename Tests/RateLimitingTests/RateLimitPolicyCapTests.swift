import Foundation
import Logging
import RateLimiting
import Redis
import Storage
import TestSupport
import Testing

/// Issue 11, item 2: the number of policies is capped on both stores (atomically on Redis), deleting a policy a
/// route applies needs force, and `.`/`..` are not names.
@Suite(.timeLimit(.minutes(1)))
struct RateLimitPolicyCapTests {
    static func policy(_ name: String) throws -> RateLimitPolicy {
        try RateLimitPolicy(name: name, algorithm: .fixedWindow, limit: 1, window: .seconds(1))
    }

    /// Three policies allowed: a fourth is refused, a replacement and a put after a delete are not.
    func capped(_ store: some RateLimitPolicyStore) async throws {
        for name in ["a", "b", "c"] { try await store.put(try Self.policy(name), maximumCount: 3) }
        await #expect {
            try await store.put(try Self.policy("d"), maximumCount: 3)
        } throws: { error in
            (error as? RateLimitError)?.code == .policyLimitReached
                && "\(error)".contains("ratelimit.maxPolicies")
        }
        try await store.put(
            try RateLimitPolicy(name: "b", algorithm: .gcra, limit: 2, window: .seconds(1)),
            maximumCount: 3
        )
        #expect(try await store.all().map(\.name) == ["a", "b", "c"])
        #expect(try await store.delete(name: "a"))
        try await store.put(try Self.policy("d"), maximumCount: 3)
        #expect(try await store.all().map(\.name) == ["b", "c", "d"])
    }

    @Test("SQLite: a new policy past the maximum is refused, replacing one is not")
    func sqlite() async throws {
        try await RedisRateLimitTesting.withPolicyDatabase { storage in
            try await capped(SQLiteRateLimitPolicyStore(storage: storage, logger: RedisRateLimitTesting.quietLogger))
            try storage.close()
        }
    }

    @Test(
        "Redis: the maximum holds atomically under 40 concurrent writers of new policies",
        .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
    )
    func redis() async throws {
        try await RedisRateLimitTesting.withClient { client in
            let store = RedisRateLimitTesting.policyStore(client)
            try await capped(store)
            let refused = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        do {
                            try await store.put(try Self.policy("new-\(index)"), maximumCount: 10)
                            return false
                        } catch let error as RateLimitError where error.code == .policyLimitReached {
                            return true
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(refused == 33)
            #expect(try await client.send(["HLEN", store.policiesKey]).integer == 10)
        }
    }

    @Test("the registry refuses past its maximum and refuses to delete a policy a route applies unless forced")
    func registry() async throws {
        try await RedisRateLimitTesting.withPolicyDatabase { storage in
            let registry = RateLimitPolicyRegistry(
                store: SQLiteRateLimitPolicyStore(storage: storage, logger: RedisRateLimitTesting.quietLogger),
                maximumPolicies: 2,
                logger: RedisRateLimitTesting.quietLogger
            )
            try await registry.put(try Self.policy("a"))
            try await registry.put(try Self.policy("b"))
            await #expect(throws: RateLimitError.self) { try await registry.put(try Self.policy("c")) }
            #expect(registry.all.map(\.name) == ["a", "b"])
            registry.recordUse(of: "a", by: "GET /a")
            await #expect {
                try await registry.delete(name: "a")
            } throws: { error in
                (error as? RateLimitError)?.code == .policyInUse && "\(error)".contains("GET /a")
            }
            #expect(registry.policy(named: "a") != nil)
            #expect(try await registry.delete(name: "a", force: true))
            #expect(try await registry.delete(name: "b"))
            try storage.close()
        }
    }

    @Test("'.' and '..' are not policy names")
    func dotNames() throws {
        for name in [".", ".."] {
            #expect(!RateLimitPolicy.isValidName(name))
            #expect(throws: RateLimitError.self) { try Self.policy(name) }
        }
        for name in ["...", ".a", "a.", "x:y"] { #expect(RateLimitPolicy.isValidName(name)) }
    }
}
