import Redis
import TestSupport
import Testing

@Suite(
    "Redis INFO against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisServerCommandTests {
    @Test(
        "INFO is parsed into sections of fields (RESP2 bulk string, RESP3 verbatim string)",
        arguments: CommandTestRedis.protocols
    )
    func info(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let all = try await redis.info()
            let serverVersion = try #require(all["server", "redis_version"])
            #expect(serverVersion.split(separator: ".").count == 3)
            #expect(serverVersion.split(separator: ".").allSatisfy { Int($0) != nil })
            #expect(all["Server"]?.name == "server")
            #expect(all.sections.map(\.name).starts(with: ["server", "clients", "memory"]))
            #expect(all["memory", "used_memory"].flatMap { Int($0) }.map { $0 > 0 } == true)

            let some = try await redis.info("server", "clients")
            #expect(some.sections.map(\.name) == ["server", "clients"])
            #expect(some["clients", "connected_clients"].flatMap { Int($0) }.map { $0 >= 1 } == true)
            #expect(some["memory"] == nil)
            #expect(some["server", "no_such_field"] == nil)
        }
    }
}

@Suite("Redis INFO parsing")
struct RedisServerInfoParsingTests {
    @Test("headers start sections; a value keeps everything after the first colon; blank and odd lines are skipped")
    func parsing() {
        let text = """
            # Server\r
            redis_version:7.2.4\r
            executable:/usr/bin/redis-server\r
            config_file:\r
            \r
            # Keyspace\r
            db0:keys=1,expires=0,avg_ttl=0\r
            not a field\r
            db3:keys=2,expires=1,avg_ttl=100\r

            """
        let info = RedisServerInfo(parsing: text)
        #expect(info.sections.map(\.name) == ["server", "keyspace"])
        #expect(info["server", "redis_version"] == "7.2.4")
        #expect(info["server", "executable"] == "/usr/bin/redis-server")
        #expect(info["server", "config_file"] == "")
        #expect(
            info["KEYSPACE"]?.fields == [
                .init(name: "db0", value: "keys=1,expires=0,avg_ttl=0"),
                .init(name: "db3", value: "keys=2,expires=1,avg_ttl=100"),
            ]
        )
        #expect(
            RedisServerInfo(parsing: "a:1\nb:2\n# Next\n")
                == RedisServerInfo(sections: [
                    .init(name: "", fields: [.init(name: "a", value: "1"), .init(name: "b", value: "2")]),
                    .init(name: "next", fields: []),
                ])
        )
        #expect(RedisServerInfo(parsing: "").sections == [])
    }
}
