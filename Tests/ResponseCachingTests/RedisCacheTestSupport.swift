import Logging
import Redis
import ResponseCaching
import TestSupport
import Testing

/// Caches on a real Redis: each with its own pool and subscriber, all on one store prefix (a fresh one per test).
enum RedisCaching {
    /// Runs `body` with `count` caches (`a`, `b`, …) on the Redis at `url` (the test script's unless given), their
    /// pools, subscribers and services running, each having heard its first heartbeat.
    static func withCaches<Result: Sendable>(
        _ count: Int,
        url: String? = nil,
        fastFailures: Bool = false,
        _ adjust: @Sendable (inout ResponseCache.Configuration) -> Void = { _ in },
        _ body: ([ResponseCache], RedisResponseCacheStore) async throws -> Result
    ) async throws -> Result {
        let url = try url ?? TestServers.requireRedisURL()
        let prefix = TestServers.uniqueKeyPrefix() + "cache:"
        var clients: [RedisClient] = []
        var subscribers: [RedisSubscriber] = []
        var caches: [ResponseCache] = []
        var store: RedisResponseCacheStore?
        for index in 0..<count {
            var configuration = try RedisClient.Configuration(url: url)
            configuration.maximumConnections = 8
            configuration.connectionWaitTimeout = fastFailures ? .milliseconds(300) : .seconds(60)
            configuration.connection.commandTimeout = fastFailures ? .milliseconds(300) : .seconds(60)
            configuration.connection.connectTimeout = fastFailures ? .milliseconds(300) : .seconds(10)
            configuration.reconnectBackoff = RedisBackoff(
                initialDelay: .milliseconds(50),
                maximumDelay: .milliseconds(200)
            )
            let client = try RedisClient(configuration: configuration, logger: quietLogger)
            var subscription = RedisSubscriber.Configuration(connection: configuration.connection)
            subscription.backoff = RedisBackoff(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200))
            let subscriber = try RedisSubscriber(configuration: subscription, logger: quietLogger)
            let shared = RedisResponseCacheStore(client: client, prefix: prefix)
            var cacheConfiguration = ResponseCache.Configuration(memoryBudget: 1 << 20)
            if !fastFailures {
                // Generous: these tests share two cores with hundreds of others; the outage tests set their own.
                cacheConfiguration.storeTimeout = .seconds(30)
                cacheConfiguration.backplaneLease = .seconds(60)
            }
            adjust(&cacheConfiguration)
            let cache = try ResponseCache(
                configuration: cacheConfiguration,
                store: shared,
                backplane: RedisResponseCacheBackplane(subscriber: subscriber, client: client, store: shared),
                instance: String(UnicodeScalar(UInt8(97 + index))),
                logger: quietLogger
            )
            clients.append(client)
            subscribers.append(subscriber)
            caches.append(cache)
            store = shared
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { try await client.run() } }
            for subscriber in subscribers { group.addTask { try await subscriber.run() } }
            for cache in caches { group.addTask { try await cache.run() } }
            defer { group.cancelAll() }
            for cache in caches {
                try await waitUntil("\(cache.instance) heard its heartbeat") { cache.statistics.lastContact != nil }
            }
            return try await body(caches, store!)
        }
    }
}
