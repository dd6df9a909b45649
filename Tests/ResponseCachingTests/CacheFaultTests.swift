import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Platform
import TestSupport
import Testing

/// Two `mastery serve` processes sharing one Redis and one PostgreSQL (the demo's rows), with one of them taken
/// away: the origin (PostgreSQL stopped) or Redis (frozen with SIGSTOP, thawed, then killed). Each test starts the
/// server it stops.
@Suite("The cache across two mastery serve processes when PostgreSQL or Redis fails", .timeLimit(.minutes(4)))
struct CacheFaultTests {
    static let token = "cache-fault-token-0123456789abcdef0123456789"
    static let path = "/v1/cache/demo/products/9"

    /// One exchange: status, `Cache-Status`, body, and how long it took.
    func send(
        _ client: HTTPClient,
        _ method: HTTPMethod,
        _ url: String,
        json: String? = nil,
        admin: Bool = false
    ) async throws -> (status: Int, cacheStatus: String, body: String, took: Duration) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        // Behind a load balancer both instances see one public host name, so they share keys.
        request.headers.replaceOrAdd(name: "Host", value: "shop.example")
        if admin || json != nil { request.headers.add(name: "Authorization", value: "Bearer \(Self.token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let started = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        let status = response.headers["Cache-Status"].first ?? ""
        return (Int(response.status.code), status, String(buffer: body), started.duration(to: .now))
    }

    /// Runs `body` with two servers on `redis` and `postgres`, and an HTTP client.
    func withServers(
        redis: String,
        postgres: String,
        environment: [String: String] = [:],
        second: [String: String] = [:],
        _ body: (HTTPClient, String, String, [ServeProcess]) async throws -> Void
    ) async throws {
        let prefix = "test:" + TestServers.uniqueKeyPrefix().filter { $0.isLetter || $0.isNumber } + ":"
        let arguments = [
            "--redis-url", redis, "--postgres-url", postgres, "--admin-token", Self.token, "--allowed-hosts",
            "shop.example",
        ]
        let environment = environment.merging(["MASTERY_CACHE_KEY_PREFIX": prefix]) { first, _ in first }
        async let first = ServeProcess(arguments: arguments, environment: environment, timeout: .seconds(60))
        async let other = ServeProcess(
            arguments: arguments,
            environment: environment.merging(second) { _, own in own },
            timeout: .seconds(60)
        )
        let servers = try await [first, other]
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await body(
                client,
                "http://127.0.0.1:\(servers[0].port)",
                "http://127.0.0.1:\(servers[1].port)",
                servers
            )
        } catch {
            try? await client.shutdown()
            for server in servers { _ = try? await server.stop() }
            throw error
        }
        try await client.shutdown()
        for server in servers { _ = try? await server.stop() }
    }

    @Test(
        "the origin down: both instances serve the stored product stale (stale-if-error), and say so",
        .enabled(
            if: PrivatePostgres.shouldRun && TestServers.shouldRun(TestServers.redisURL),
            "needs PostgreSQL's binaries and Redis: run scripts/test"
        )
    )
    func originDownServesStale() async throws {
        let redis = try TestServers.requireRedisURL()
        try await PrivatePostgres.with { postgres in
            // A product fresh for 1 s, then stale, within stale-if-error (600 s).
            try await withServers(
                redis: redis,
                postgres: postgres.url,
                environment: ["MASTERY_CACHE_DEMO_MAX_AGE": "1"]
            ) { client, a, b, _ in
                let put = try await send(client, .PUT, a + Self.path, json: #"{"name":"teapot","priceCents":900}"#)
                #expect(put.status == 200, "\(put.body)")
                for base in [a, b] { #expect(try await send(client, .GET, base + Self.path).body.contains("teapot")) }
                await postgres.stop()
                // Once the entry is stale, the failing origin is answered with it, on both instances.
                for base in [a, b] {
                    try await waitUntil(timeout: .seconds(20), interval: .milliseconds(50)) {
                        try await send(client, .GET, base + Self.path).cacheStatus.contains("stale-if-error")
                    }
                    let answer = try await send(client, .GET, base + Self.path)
                    #expect(answer.status == 200 && answer.body.contains("teapot"), "\(answer)")
                }
            }
        }
    }

    @Test(
        "a slow origin call on one instance that read before a write through the other stores nothing after it",
        .enabled(
            if: TestServers.shouldRun(TestServers.redisURL) && TestServers.shouldRun(TestServers.postgresURL),
            "needs Redis and PostgreSQL: run scripts/test"
        )
    )
    func noStaleWriteBack() async throws {
        let redis = try TestServers.requireRedisURL()
        try await TestPostgres.withDatabase { postgres in
            // B answers 3 s after reading a product: its origin call is in flight while A writes.
            try await withServers(redis: redis, postgres: postgres, second: ["MASTERY_CACHE_DEMO_ORIGIN_DELAY": "3"]) {
                client,
                a,
                b,
                _ in
                #expect(
                    try await send(client, .PUT, a + Self.path, json: #"{"name":"cup","priceCents":1}"#).status == 200
                )
                let calls = { try await originCalls(client, b) }
                let before = try await calls()
                async let slow = send(client, .GET, b + Self.path)
                try await waitUntil(timeout: .seconds(20), interval: .milliseconds(5)) { try await calls() > before }
                let write = try await send(client, .PUT, a + Self.path, json: #"{"name":"mug","priceCents":2}"#)
                #expect(write.status == 200, "\(write)")
                // B's own client gets what B read, before the write: the case this test is about happened.
                let old = try await slow
                #expect(old.status == 200 && old.body.contains(#""name":"cup""#), "\(old)")
                // B stored nothing: both instances answer with the write, from any tier, from now on.
                for base in [a, b, b, a] {
                    let answer = try await send(client, .GET, base + Self.path)
                    #expect(answer.body.contains(#""name":"mug""#), "\(base): \(answer)")
                }
            }
        }
    }

    /// The origin calls an instance counted (`GET /v1/cache`).
    func originCalls(_ client: HTTPClient, _ base: String) async throws -> Int {
        let stats = try await send(client, .GET, base + "/v1/cache", admin: true)
        let object = try JSONSerialization.jsonObject(with: Data(stats.body.utf8)) as? [String: Any]
        return object?["originCalls"] as? Int ?? -1
    }

    @Test(
        "Redis frozen, thawed, killed: no request waits past the store timeout, a write made meanwhile is served within the lease, and survives the thaw",
        .enabled(
            if: TestServers.shouldRun(tools: "redis-server") && TestServers.shouldRun(TestServers.postgresURL),
            "needs redis-server and PostgreSQL: run scripts/test"
        )
    )
    func redisFrozenThawedKilled() async throws {
        try await PrivateRedis.with { redis in
            try await TestPostgres.withDatabase { postgres in
                // Redis commands themselves may wait a minute: only the cache's store timeout (250 ms) can keep
                // the requests below quick.
                let patient = ["MASTERY_REDIS_COMMAND_TIMEOUT": "60"]
                try await withServers(redis: redis.url, postgres: postgres, environment: patient) {
                    client,
                    a,
                    b,
                    servers in
                    let put = try await send(client, .PUT, a + Self.path, json: #"{"name":"kettle","priceCents":1}"#)
                    #expect(put.status == 200, "\(put.body)")
                    #expect(try await send(client, .GET, b + Self.path).body.contains("kettle"))
                    #expect(try await send(client, .GET, b + Self.path).cacheStatus.contains("hit"))

                    redis.freeze()
                    // The store timeout is 250 ms: twenty times that is the generous bound for each request on a
                    // loaded machine, and still far below the minute a Redis command may wait.
                    for base in [a, b] {
                        let answer = try await send(client, .GET, base + Self.path)
                        #expect(answer.status == 200 && answer.took < .seconds(5), "\(answer)")
                    }
                    let update = try await send(client, .PUT, a + Self.path, json: #"{"name":"urn","priceCents":2}"#)
                    #expect(update.status == 200 && update.took < .seconds(5), "\(update)")
                    // B cannot hear the invalidation; its copy lives at most the lease (1 s) past its last heartbeat.
                    let written = ContinuousClock.now
                    try await waitUntil(timeout: .seconds(20), interval: .milliseconds(20)) {
                        try await send(client, .GET, b + Self.path).body.contains("urn")
                    }
                    #expect(ContinuousClock.now - written < .seconds(10), "the lease is 1 s")

                    redis.thaw()
                    // A records the invalidation it could not make at its first heartbeat that succeeds; after it,
                    // neither instance serves the old product from Redis or memory.
                    try await waitUntil(timeout: .seconds(30), interval: .milliseconds(50)) {
                        try await send(client, .GET, a + "/v1/cache", admin: true).body
                            .contains(#""pendingInvalidations":0"#)
                    }
                    for base in [a, b] {
                        for _ in 0..<3 { #expect(try await send(client, .GET, base + Self.path).body.contains("urn")) }
                    }

                    await redis.stop()
                    for base in [a, b] {
                        let answer = try await send(client, .GET, base + Self.path)
                        #expect(answer.status == 200 && answer.body.contains("urn") && answer.took < .seconds(5))
                    }
                    // The outage is in the log, once, with what the cache does about it.
                    let log = servers[0].process.readStandardError() + servers[1].process.readStandardError()
                    #expect(log.contains("Shared cache tier failed: going on without it"), "\(log.suffix(3_000))")
                }
            }
        }
    }
}
