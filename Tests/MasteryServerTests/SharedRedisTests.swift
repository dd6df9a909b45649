import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MasteryServer
import Platform
import Redis
import TestSupport
import Testing

/// The Redis tier: the server runs one pool as a service and hands it to every system.
@Suite(
    "Instances sharing Redis",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test"),
    .timeLimit(.minutes(2))
)
struct SharedRedisTests {
    @Test("/ready reports Redis up, and two servers count through their pools into one Redis")
    func twoServersOneRedis() async throws {
        let url = try TestServers.requireRedisURL()
        let name = TestServers.uniqueKeyPrefix().filter { $0.isLetter || $0.isNumber }
        // A loaded test machine can leave the test client silent for seconds: no head timeout cuts it off.
        let patient = ["redisURL": url, "redisCommandTimeout": "60", "requestHeadTimeout": "120"]
        let (first, _) = try await makeServer(flags: patient.merging(["redisMaxConnections": "4"]) { $1 })
        let (second, _) = try await makeServer(flags: patient)
        let perServer = 50
        try await withThrowingTaskGroup(of: Void.self) { group in
            for assembly in [first, second] {
                group.addTask {
                    try await assembly.application.test(.live) { client in
                        // /ready gives each check 2 s; a loaded test machine may need a second try.
                        var body = ""
                        try await waitUntil(timeout: .seconds(60)) {
                            try await client.execute(uri: "/ready", method: .get) { response in
                                body = String(buffer: response.body)
                                return response.status == .ok
                            }
                        }
                        #expect(body.contains(#""name":"redis""#) && !body.contains("\"down\""), "\(body)")
                        for _ in 0..<perServer {
                            try await client.execute(uri: "/v1/echo/hits/\(name)", method: .get) { response in
                                #expect(response.status == .ok)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        // An application runs once (its Redis pool is a one-shot service): read the total with a connection.
        let total = try await RedisConnection.withConnection(
            configuration: .init(url: url),
            logger: Logger(label: "test")
        ) {
            try await $0.getString("echo:hits:\(name)")
        }
        #expect(total == "\(2 * perServer)")
    }

    @Test("with Redis down, /ready says so within its deadline and the server still serves")
    func redisDown() async throws {
        let (assembly, _) = try await makeServer(flags: ["redisURL": "redis://127.0.0.1:\(try freePort())"])
        try await assembly.application.test(.live) { client in
            let clock = ContinuousClock()
            let start = clock.now
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains(#""name":"redis""#))
            }
            #expect(clock.now - start < .seconds(30))
            try await client.execute(uri: "/health", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test("with redisSentinels the pool asks the sentinels: /ready names them, and says down when none answers")
    func sentinelsUnreachable() async throws {
        let port = try freePort()
        let (assembly, _) = try await makeServer(flags: [
            "redisSentinels": "127.0.0.1:\(port)", "redisSentinelPrimary": "cache", "redisCommandTimeout": "0.5",
        ])
        try await assembly.application.test(.live) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .serviceUnavailable)
                #expect(body.contains("sentinel cache via 127.0.0.1:\(port)"), "\(body)")
            }
        }
    }
}
