import Logging
import Storage
import TestSupport
import Testing

@testable import RateLimiting

/// The demo policy's seeder retries while the store cannot answer, but not when the store refuses the policy.
@Suite(.timeLimit(.minutes(1)))
struct RateLimitPolicySeederTests {
    @Test("past the policy cap the seeder gives up at once instead of retrying every second for ever")
    func givesUpAtTheCap() async throws {
        try await RedisRateLimitTesting.withPolicyDatabase { storage in
            let registry = RateLimitPolicyRegistry(
                store: SQLiteRateLimitPolicyStore(storage: storage, logger: RedisRateLimitTesting.quietLogger),
                maximumPolicies: 1,
                logger: RedisRateLimitTesting.quietLogger
            )
            try await registry.put(try RateLimitPolicy(name: "other", algorithm: .gcra, limit: 1, window: .seconds(1)))
            let seeder = RateLimitPolicySeeder(
                registry: registry,
                policy: try RateLimitPolicy(name: "demo", algorithm: .gcra, limit: 5, window: .seconds(10)),
                logger: RedisRateLimitTesting.quietLogger
            )
            // Returns (the suite's time limit fails a seeder that keeps retrying).
            await seeder.seed()
            #expect(registry.policy(named: "demo") == nil)
            #expect(registry.all.map(\.name) == ["other"])
            try storage.close()
        }
    }
}
