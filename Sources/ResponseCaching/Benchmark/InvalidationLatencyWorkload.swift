import Benchmarking
import Logging
import NIOCore
import Platform
import Redis
import ResponseCaching

/// How long an invalidation made on one instance takes to reach another instance's in-process tier, on a
/// redis-server of its own: instance B holds a key in memory, instance A invalidates the key's tag, and B is asked
/// for the key until it stops answering from memory. Each sample is timed from before A's call (which returns once
/// Redis recorded and published it) to B's first answer not from memory.
struct InvalidationLatencyWorkload: Sendable {
    var samples = 200
    /// The caches' settings: the defaults for the benchmark; a test on a loaded machine gives them room.
    var configuration = ResponseCache.Configuration()

    struct Result: Sendable {
        var latencies: [Duration]
        var percentile: (Double) -> Duration {
            let sorted = latencies.sorted()
            return { fraction in
                sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
            }
        }
    }

    static let quiet = Logger(label: "mastery.bench.cache.invalidation", factory: { _ in SwiftLogNoOpLogHandler() })

    func run() async throws -> Result {
        try await BenchmarkRedisServer.withRunning(prefix: "mastery-bench-cache-redis") { server in
            try await withCaches(port: server.port) { a, b in try await measure(a, b) }
        }
    }

    func measure(_ a: ResponseCache, _ b: ResponseCache) async throws -> Result {
        let options = ResponseCacheEntryOptions(duration: .seconds(600), tags: ["bench"])
        // A's writes first: each write-through announces an invalidation of its key, which B must have heard before
        // it reads the key (or B would drop its fresh copy when the announcement arrives).
        let heardBefore = b.statistics.invalidationsHeard
        for sample in 0..<samples {
            var tagged = options
            tagged.tags = ["sample-\(sample)"]
            try await a.set("bench:invalidation:\(sample)", value: ByteBuffer(string: "v1"), options: tagged)
        }
        try await waitUntil(timeout: .seconds(30)) { b.statistics.invalidationsHeard >= heardBefore + samples }
        var latencies: [Duration] = []
        for sample in 0..<samples {
            let key = "bench:invalidation:\(sample)"
            var tagged = options
            tagged.tags = ["sample-\(sample)"]
            let load: @Sendable () async throws -> ResponseCacheLoad = { .store(ByteBuffer(string: "v2")) }
            // B reads it from Redis into memory, then answers from memory.
            _ = try await b.value(forKey: key, options: tagged, load: load)
            guard try await b.value(forKey: key, options: tagged, load: load).source == .memory else {
                throw BenchmarkError(code: .invalidMeasurement, message: "instance B did not keep \(key) in memory")
            }
            let started = ContinuousClock.now
            try await a.invalidate(tag: "sample-\(sample)")
            while try await b.value(forKey: key, options: tagged, load: load).source == .memory {
                guard started.duration(to: .now) < .seconds(10) else {
                    throw BenchmarkError(code: .timedOut, message: "instance B served \(key) for 10 s after it")
                }
                await Task.yield()
            }
            latencies.append(started.duration(to: .now))
        }
        return Result(latencies: latencies)
    }

    /// Two caches (A, B) sharing the server, each with its pool, subscriber and service running, once each heard
    /// its own heartbeat.
    func withCaches<Result: Sendable>(
        port: Int,
        _ body: (ResponseCache, ResponseCache) async throws -> Result
    ) async throws -> Result {
        var services: [@Sendable () async throws -> Void] = []
        var caches: [ResponseCache] = []
        for name in ["a", "b"] {
            let connection = RedisConnection.Configuration(port: port)
            let client = try RedisClient(configuration: .init(connection: connection), logger: Self.quiet)
            let subscriber = try RedisSubscriber(configuration: .init(connection: connection), logger: Self.quiet)
            let store = RedisResponseCacheStore(client: client, prefix: "bench:cache:")
            let cache = try ResponseCache(
                configuration: configuration,
                store: store,
                backplane: RedisResponseCacheBackplane(subscriber: subscriber, client: client, store: store),
                instance: name,
                logger: Self.quiet
            )
            services += [{ try await client.run() }, { try await subscriber.run() }, { try await cache.run() }]
            caches.append(cache)
        }
        let running = services
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in running { group.addTask { try await service() } }
            defer { group.cancelAll() }
            for cache in caches {
                try await waitUntil(timeout: .seconds(30)) { cache.statistics.lastContact != nil }
            }
            return try await body(caches[0], caches[1])
        }
    }
}
