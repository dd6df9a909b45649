import Foundation
import Platform
import Redis
import TestSupport
import Testing

@Suite(
    "Redis connection pool behind Sentinel",
    .enabled(
        if: TestServers.shouldRun(tools: "redis-server", "redis-sentinel"),
        "needs redis-server and redis-sentinel: run scripts/test"
    ),
    .timeLimit(.minutes(3))
)
struct RedisClientSentinelTests {
    /// The port of the node a pooled connection reaches.
    func port(through client: RedisClient) async throws -> Int? {
        // RESP3 answers CONFIG GET with a map, RESP2 with a flat array.
        switch try await client.send(["CONFIG", "GET", "port"]).withoutAttributes {
        case .map(let entries): return entries.first?.value.string.flatMap { Int($0) }
        case .array(let elements) where elements.count == 2: return elements[1].string.flatMap { Int($0) }
        default: return nil
        }
    }

    @Test(
        "the pool finds the primary through the sentinels and, after SENTINEL FAILOVER, new commands reach the new one"
    )
    func followsFailover() async throws {
        try await SentinelTestCluster.with { cluster in
            try await cluster.waitUntilReady()
            let configuration = RedisClient.Configuration(
                connection: .init(commandTimeout: .seconds(10), connectTimeout: .seconds(5)),
                minimumConnections: 2,
                maximumConnections: 4,
                connectionWaitTimeout: .seconds(10),
                reconnectBackoff: .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500)),
                sentinel: .init(sentinels: cluster.sentinelAddresses, primaryName: SentinelTestCluster.primaryName)
            )
            let key = TestServers.uniqueKeyPrefix() + "failover"
            try await withRunningClient(configuration) { client in
                #expect(try await port(through: client) == cluster.primary.port)
                try await client.set(key, to: "before")
                _ = try await client.send(["WAIT", "1", "10000"])

                try await SentinelTestCluster.withConnection(port: cluster.sentinels[0].port) { sentinel in
                    _ = try await sentinel.send(["SENTINEL", "FAILOVER", SentinelTestCluster.primaryName])
                }
                // Commands during the switch may fail (READONLY, a killed connection); within a generous bound the
                // pool reaches the promoted replica without being restarted.
                let replica = cluster.replicas[0].port
                try await waitUntil(timeout: .seconds(60), interval: .milliseconds(50)) {
                    (try? await port(through: client)) == replica
                }
                #expect(try await client.getString(key) == "before")
                #expect(try await client.set(key, to: "after"))
                // Every connection the pool now hands out is on the new primary.
                for _ in 0..<10 { #expect(try await port(through: client) == replica) }
            }
        }
    }

    @Test("a pool whose sentinels are all unreachable fails commands with a clear connectionFailed")
    func noSentinel() async throws {
        let configuration = RedisClient.Configuration(
            connectionWaitTimeout: .milliseconds(500),
            reconnectBackoff: .init(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100)),
            sentinel: .init(sentinels: [.init(host: "127.0.0.1", port: try freePort())], primaryName: "mymaster")
        )
        try await withRunningClient(configuration) { client in
            let error = await #expect(throws: RedisError.self) { try await client.ping() }
            #expect(error?.code == .connectionFailed)
        }
    }
}
