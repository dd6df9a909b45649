import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Platform
import TestSupport
import Testing

@Suite(
    "The cache shared by two mastery serve processes on one Redis",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(4))
)
struct CacheSharedTests {
    static let token = "cache-shared-token-0123456789abcdef0123456789"

    func send(
        _ client: HTTPClient,
        _ method: HTTPMethod,
        _ url: String,
        json: String? = nil,
        token: String? = nil
    ) async throws -> (status: Int, cacheStatus: String, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        // Behind a load balancer every instance sees the public host name: the URL, and so the key, is shared.
        request.headers.replaceOrAdd(name: "Host", value: "shop.example")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers["Cache-Status"].first ?? "", String(buffer: body))
    }

    func originCalls(_ client: HTTPClient, _ base: String) async throws -> Int {
        let stats = try await send(client, .GET, base + "/v1/cache", token: Self.token)
        let object = try JSONSerialization.jsonObject(with: Data(stats.body.utf8)) as? [String: Any]
        return object?["originCalls"] as? Int ?? -1
    }

    @Test("a purge on one instance is seen by the other; 1,000 concurrent requests for a cold key make one origin call")
    func sharedInvalidationAndCoalescing() async throws {
        let url = try TestServers.requireRedisURL()
        let prefix = "test:" + TestServers.uniqueKeyPrefix().filter { $0.isLetter || $0.isNumber } + ":"
        let arguments = ["--redis-url", url, "--admin-token", Self.token, "--allowed-hosts", "shop.example"]
        let environment = ["MASTERY_CACHE_KEY_PREFIX": prefix, "MASTERY_CACHE_STORE_TIMEOUT": "10"]
        async let first = ServeProcess(arguments: arguments, environment: environment, timeout: .seconds(60))
        async let second = ServeProcess(arguments: arguments, environment: environment, timeout: .seconds(60))
        let servers = try await [first, second]
        defer { for server in servers { Task { _ = try? await server.stop() } } }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 100
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { _ = client.shutdown() }
        let bases = servers.map { "http://127.0.0.1:\($0.port)" }

        // Each instance has its own SQLite row (the same product); the cache in front of them is shared.
        for base in bases {
            let put = try await send(
                client,
                .PUT,
                base + "/v1/cache/demo/products/42",
                json: #"{"name":"kettle","priceCents":3000}"#,
                token: Self.token
            )
            #expect(put.status == 200, "\(put.body)")
        }
        // Both PUTs invalidated product:42; a cold key now. 1,000 concurrent requests over both instances.
        let before = try await originCalls(client, bases[0]) + originCalls(client, bases[1])
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<1_000 {
                let base = bases[index % 2]
                group.addTask {
                    let answer = try await send(client, .GET, base + "/v1/cache/demo/products/42")
                    return (answer.status, answer.body)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0.0 == 200 && $0.1.contains("kettle") })
        let after = try await originCalls(client, bases[0]) + originCalls(client, bases[1])
        let stats = [
            try await send(client, .GET, bases[0] + "/v1/cache", token: Self.token).body,
            try await send(client, .GET, bases[1] + "/v1/cache", token: Self.token).body,
        ]
        #expect(after - before == 1, "origin calls: \(after - before); \(stats)")

        // The second instance holds it in process; a purge on the first reaches it.
        #expect(try await send(client, .GET, bases[1] + "/v1/cache/demo/products/42").cacheStatus.contains("hit"))
        let purge = try await send(
            client,
            .POST,
            bases[0] + "/v1/cache/purge",
            json: #"{"tags":["product:42"]}"#,
            token: Self.token
        )
        #expect(purge.status == 200, "\(purge.body)")
        let purged = ContinuousClock.now
        try await waitUntil(timeout: .seconds(30), interval: .milliseconds(5)) {
            try await !send(client, .GET, bases[1] + "/v1/cache/demo/products/42").cacheStatus.contains("hit")
        }
        // Seen well inside the backplane's bound (the lease, 1 s); generously, on a loaded machine.
        #expect(ContinuousClock.now - purged < .seconds(5))

        // Without the admin token, a purge is refused and changes nothing.
        let refused = try await send(client, .POST, bases[0] + "/v1/cache/purge", json: #"{"tags":["product:42"]}"#)
        #expect(refused.status == 401)
    }

    @Test(
        "on one PostgreSQL, a PUT through one instance is what the other serves next (the demo's rows are shared)",
        .enabled(if: TestServers.shouldRun(TestServers.postgresURL), "needs PostgreSQL: run scripts/test")
    )
    func writeThroughOnSharedPostgres() async throws {
        let redis = try TestServers.requireRedisURL()
        try await TestPostgres.withDatabase { postgres in
            let prefix = "test:" + TestServers.uniqueKeyPrefix().filter { $0.isLetter || $0.isNumber } + ":"
            let arguments = [
                "--redis-url", redis, "--postgres-url", postgres, "--admin-token", Self.token, "--allowed-hosts",
                "shop.example",
            ]
            let environment = ["MASTERY_CACHE_KEY_PREFIX": prefix, "MASTERY_CACHE_STORE_TIMEOUT": "10"]
            async let first = ServeProcess(arguments: arguments, environment: environment, timeout: .seconds(60))
            async let second = ServeProcess(arguments: arguments, environment: environment, timeout: .seconds(60))
            let servers = try await [first, second]
            defer { for server in servers { Task { _ = try? await server.stop() } } }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            defer { _ = client.shutdown() }
            let (a, b) = ("http://127.0.0.1:\(servers[0].port)", "http://127.0.0.1:\(servers[1].port)")
            let path = "/v1/cache/demo/products/7"
            let put = try await send(
                client,
                .PUT,
                a + path,
                json: #"{"name":"lamp","priceCents":100}"#,
                token: Self.token
            )
            #expect(put.status == 200, "\(put.body)")
            // B has no row of its own: it reads the one A wrote, then holds it.
            #expect(try await send(client, .GET, b + path).body.contains(#""name":"lamp""#))
            #expect(try await send(client, .GET, b + path).cacheStatus.contains("hit"))
            let update = try await send(
                client,
                .PUT,
                a + path,
                json: #"{"name":"desk lamp","priceCents":200}"#,
                token: Self.token
            )
            #expect(update.status == 200 && update.body.contains(#""version":2"#), "\(update.body)")
            let written = ContinuousClock.now
            try await waitUntil(timeout: .seconds(30), interval: .milliseconds(5)) {
                try await send(client, .GET, b + path).body.contains(#""name":"desk lamp""#)
            }
            // Within the backplane's bound (the lease, 1 s), generously on a loaded machine.
            #expect(ContinuousClock.now - written < .seconds(5))
        }
    }
}
