import Foundation
import GRDB
import Logging
import RateLimiting
import Redis
import Storage
import TestSupport
import Testing

/// The two policy stores: round trips, and invalid entries skipped with a log line instead of failing.
@Suite(.timeLimit(.minutes(1)))
struct RateLimitPolicyStoreTests {
    static func samples() throws -> [RateLimitPolicy] {
        [
            try RateLimitPolicy(name: "api", algorithm: .gcra, limit: 10, window: .seconds(1), burst: 20),
            try RateLimitPolicy(
                name: "hourly",
                algorithm: .fixedWindow,
                limit: 1000,
                window: .seconds(3600),
                onStoreFailure: .closed
            ),
            try RateLimitPolicy(
                name: "uploads",
                algorithm: .tokenBucket,
                limit: 3,
                window: .milliseconds(1500),
                burst: 5,
                onStoreFailure: .localFallback(fraction: 0.25)
            ),
        ]
    }

    /// Puts, replaces, lists and deletes through a store.
    func roundTrip(_ store: some RateLimitPolicyStore) async throws {
        #expect(try await store.all().isEmpty)
        let samples = try Self.samples()
        for policy in samples.reversed() { try await store.put(policy) }
        #expect(try await store.all() == samples)
        let replaced = try RateLimitPolicy(name: "api", algorithm: .slidingWindowLog, limit: 5, window: .seconds(2))
        try await store.put(replaced)
        #expect(try await store.all() == [replaced] + samples.dropFirst())
        #expect(try await store.delete(name: "hourly"))
        #expect(!(try await store.delete(name: "hourly")))
        #expect(try await store.all().map(\.name) == ["api", "uploads"])
    }

    @Test(
        "Redis: put, replace, list, delete; the hash holds each policy's JSON under its name",
        .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
    )
    func redisRoundTrip() async throws {
        try await RedisRateLimitTesting.withClient { client in
            let prefix = TestServers.uniqueKeyPrefix() + "rl"
            let store = RedisRateLimitPolicyStore(
                client: client,
                keyPrefix: prefix,
                logger: RedisRateLimitTesting.quietLogger
            )
            #expect(store.policiesKey == "\(prefix):policies")
            #expect(store.changesChannel == "\(prefix):policies:changed")
            try await roundTrip(store)
            let json = try #require(try await client.hashGet(store.policiesKey, field: "uploads"))
            let decoded = try JSONDecoder().decode(RateLimitPolicy.self, from: Data(json.utf8))
            #expect(decoded == (try Self.samples()[2]))
            #expect(json.contains("\"localFraction\":0.25"))
        }
    }

    @Test(
        "Redis: invalid entries written by hand are logged and skipped",
        .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
    )
    func redisInvalidEntries() async throws {
        try await RedisRateLimitTesting.withClient { client in
            let lines = CapturedLogs()
            let store = RedisRateLimitPolicyStore(
                client: client,
                keyPrefix: TestServers.uniqueKeyPrefix() + "rl",
                logger: lines.logger()
            )
            try await store.put(try Self.samples()[0])
            try await client.hashSet(
                store.policiesKey,
                fields: [
                    (key: "broken", value: "{not json"),
                    (key: "zero", value: #"{"name":"zero","algorithm":"gcra","limit":0,"window":1}"#),
                    (key: "alien", value: #"{"name":"alien","algorithm":"leaky","limit":1,"window":1}"#),
                    (key: "elsewhere", value: #"{"name":"other","algorithm":"gcra","limit":1,"window":1}"#),
                    (key: "bad\nname\"", value: "[]"),
                ]
            )
            #expect(try await store.all().map(\.name) == ["api"])
            #expect(lines.matching("Invalid rate-limit policy skipped", "broken", "not valid JSON").count == 1)
            #expect(lines.matching("Invalid rate-limit policy skipped", "zero", "limit must be between").count == 1)
            #expect(lines.matching("Invalid rate-limit policy skipped", "alien", "unknown algorithm").count == 1)
            #expect(lines.matching("Invalid rate-limit policy skipped", "elsewhere", "holds policy").count == 1)
            #expect(lines.matching("Invalid rate-limit policy skipped", #"bad\\nname"#).count == 1)
            #expect(lines.matching("{not json").isEmpty, "the entry's content is not logged")
        }
    }

    @Test("SQLite: put, replace, list, delete after the migration; invalid rows are logged and skipped")
    func sqlite() async throws {
        try await RedisRateLimitTesting.withPolicyDatabase { storage in
            let lines = CapturedLogs()
            let store = SQLiteRateLimitPolicyStore(
                storage: storage,
                logger: lines.logger()
            )
            try await roundTrip(store)
            try await storage.pool.write { db in
                try db.execute(sql: "INSERT INTO ratelimit_policies (name, policy) VALUES ('broken', '{oops')")
            }
            #expect(try await store.all().map(\.name) == ["api", "uploads"])
            #expect(lines.matching("Invalid rate-limit policy skipped", "broken", "not valid JSON").count == 1)
            // Nothing to announce or watch: both return at once.
            try await store.announceChange(name: "api")
            try await store.watchChanges { _ in Issue.record("an SQLite store has no change notices") }
            try storage.close()
        }
    }
}
