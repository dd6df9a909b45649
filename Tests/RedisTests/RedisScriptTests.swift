import NIOCore
import Redis
import TestSupport
import Testing

@Suite(
    "Redis scripts: EVALSHA with SCRIPT LOAD on NOSCRIPT",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisScriptTests {
    let prefix = TestServers.uniqueKeyPrefix()

    /// Returns its keys and arguments, so the test sees exactly what arrived.
    static let echo = RedisScript("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], #ARGV}")
    /// A counter that expires: INCRBY then PEXPIRE, returning the new value.
    static let counter = RedisScript(
        """
        local value = redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return value
        """
    )

    @Test("the digest is computed locally and matches the server's")
    func digest() async throws {
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
        #expect(RedisScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(RedisScript("return 'é'") != RedisScript("return 'e'"))
        try await CommandTestRedis.with(.resp3) { redis in
            let reply = try await redis.send(["SCRIPT", "LOAD", Self.counter.source])
            #expect(reply.string == Self.counter.sha1)
            try await redis.loadScript(Self.counter)
        }
    }

    @Test(
        "keys and typed arguments arrive as sent, and replies keep their types",
        arguments: CommandTestRedis.protocols
    )
    func evaluate(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let key = prefix + "\(version):counter"
            let reply = try await redis.evaluate(
                Self.echo,
                keys: [key, "second"],
                arguments: [42, "text", ByteBuffer.awkward, 1.5]
            )
            #expect(
                reply
                    == .array([
                        .bulkString(ByteBuffer(string: key)), .bulkString(ByteBuffer(string: "second")),
                        .bulkString(ByteBuffer(string: "42")), .bulkString(ByteBuffer(string: "text")),
                        .bulkString(.awkward), .bulkString(ByteBuffer(string: "1.5")), .integer(4),
                    ])
            )
            #expect(try await redis.evaluate(Self.counter, keys: [key], arguments: [5, 60_000]).integer == 5)
            #expect(try await redis.evaluate(Self.counter, keys: [key], arguments: [Int64(-2), 60_000]).integer == 3)
            #expect(try await redis.evaluate(RedisScript("return nil")).isNull)
            #expect(try await redis.evaluate(RedisScript("return 'ok'")).string == "ok")
            #expect(
                try await redis.evaluateReadOnly(RedisScript("return redis.call('GET', KEYS[1])"), keys: [key]).string
                    == "3"
            )
            #expect(
                try await redis.scriptsExist([Self.echo, Self.counter, RedisScript("return 'never loaded \(prefix)'")])
                    == [true, true, false]
            )
            try await redis.delete(key)
        }
    }

    @Test("a script's error replies are serverErrors with their own codes", arguments: CommandTestRedis.protocols)
    func scriptErrors(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let custom = await #expect(throws: RedisError.self) {
                try await redis.evaluate(RedisScript("return redis.error_reply('LIMITED too many requests')"))
            }
            #expect(custom?.code == .serverError)
            #expect(custom?.serverCode == "LIMITED")
            #expect(custom?.reply?.message == "too many requests")

            let string = prefix + "\(version):string"
            try await redis.set(string, to: "v")
            let wrongType = await #expect(throws: RedisError.self) {
                try await redis.evaluate(RedisScript("return redis.call('HGET', KEYS[1], 'f')"), keys: [string])
            }
            #expect(wrongType?.serverCode == "WRONGTYPE")

            let raised = await #expect(throws: RedisError.self) {
                try await redis.evaluate(RedisScript("error('boom')"))
            }
            #expect(raised?.serverCode == "ERR")

            let write = await #expect(throws: RedisError.self) {
                try await redis.evaluateReadOnly(RedisScript("return redis.call('DEL', KEYS[1])"), keys: [string])
            }
            #expect(write?.serverCode == "ERR")
            #expect(try await redis.exists(string) == 1)

            // A script that does not compile: NOSCRIPT, then SCRIPT LOAD refuses it.
            let syntax = await #expect(throws: RedisError.self) { try await redis.evaluate(RedisScript("return (")) }
            #expect(syntax?.code == .serverError)
            #expect(syntax?.serverCode == "ERR")
            #expect(try await redis.ping() == "PONG")
            try await redis.delete(string)
        }
    }

    @Test("after SCRIPT FLUSH, evaluate loads the script again and retries once, on RESP2 and RESP3")
    func reloadAfterFlush() async throws {
        // SCRIPT FLUSH empties the whole server's cache: a server of the test's own keeps other suites undisturbed.
        try await RedisTestServer.with { server in
            for version in CommandTestRedis.protocols {
                var configuration = RedisConnection.Configuration(port: server.port)
                configuration.protocolVersion = version
                try await RedisConnection.withConnection(configuration: configuration, logger: .test) { redis in
                    try #require(redis.protocolVersion == version)
                    try await redis.send(["SCRIPT", "FLUSH"])
                    try await redis.send(["CONFIG", "RESETSTAT"])
                    let script = Self.counter
                    let key = "n:\(version)"
                    #expect(try await redis.scriptsExist([script]) == [false])
                    #expect(try await redis.evaluate(script, keys: [key], arguments: [1, 60_000]).integer == 1)
                    #expect(try await redis.scriptsExist([script]) == [true])

                    try await redis.send(["SCRIPT", "FLUSH"])
                    #expect(try await redis.scriptsExist([script]) == [false])
                    #expect(try await redis.evaluate(script, keys: [key], arguments: [1, 60_000]).integer == 2)
                    #expect(try await redis.scriptsExist([script]) == [true])
                    // Cached now: no further load.
                    #expect(try await redis.evaluate(script, keys: [key], arguments: [1, 60_000]).integer == 3)

                    // Only ever by digest: EVALSHA 5 times (2 refused with NOSCRIPT), SCRIPT LOAD twice, never EVAL.
                    let stats = try await redis.info("commandstats")
                    let evalsha = try #require(stats["commandstats", "cmdstat_evalsha"])
                    #expect(evalsha.hasPrefix("calls=5,"), "\(version)")
                    #expect(evalsha.hasSuffix("failed_calls=2"), "\(version)")
                    let load = try #require(stats["commandstats", "cmdstat_script|load"])
                    #expect(load.hasPrefix("calls=2,"), "\(version)")
                    #expect(stats["commandstats", "cmdstat_eval"] == nil)
                }
            }
        }
    }
}
