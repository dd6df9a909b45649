import Logging
import NIOCore
import Platform
import Redis
import Synchronization
import TestSupport
import Testing

@Suite(
    "Redis connection against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisConnectionTests {
    let prefix = TestServers.uniqueKeyPrefix()

    func configuration() throws -> RedisConnection.Configuration {
        try RedisConnection.Configuration(url: TestServers.requireRedisURL())
    }

    func withRedis(
        _ configure: (inout RedisConnection.Configuration) -> Void = { _ in },
        _ body: (RedisConnection) async throws -> Void
    ) async throws {
        var configuration = try configuration()
        configure(&configuration)
        return try await RedisConnection.withConnection(configuration: configuration, logger: .test, body)
    }

    func debug(_ redis: RedisConnection, _ type: String) async throws -> RESPValue {
        try await redis.send(["DEBUG", "PROTOCOL", type])
    }

    @Test("negotiates RESP3 and receives every reply type through DEBUG PROTOCOL")
    func everyReplyType() async throws {
        let pushes = Collected()
        try await withRedis({ $0.onPush = { push in pushes.values.withLock { $0.append(push) } } }) {
            (redis: RedisConnection) async throws in
            #expect(redis.protocolVersion == .resp3)
            #expect(try await debug(redis, "string") == RESPFixtures.bulk("Hello World"))
            #expect(try await debug(redis, "integer") == .integer(12345))
            #expect(try await debug(redis, "double") == .double(3.141))
            #expect(try await debug(redis, "bignum") == .bigNumber("1234567999999999999999999999999999999"))
            #expect(try await debug(redis, "null") == .null)
            #expect(try await debug(redis, "array") == .array([.integer(0), .integer(1), .integer(2)]))
            #expect(try await debug(redis, "set") == .set([.integer(0), .integer(1), .integer(2)]))
            #expect(
                try await debug(redis, "map")
                    == .map([
                        .init(key: .integer(0), value: .boolean(false)), .init(key: .integer(1), value: .boolean(true)),
                        .init(key: .integer(2), value: .boolean(false)),
                    ])
            )
            #expect(
                try await debug(redis, "attrib")
                    == .attributed(
                        attributes: [
                            .init(
                                key: RESPFixtures.bulk("key-popularity"),
                                value: .array([RESPFixtures.bulk("key:123"), .integer(90)])
                            )
                        ],
                        value: RESPFixtures.bulk("Some real reply following the attribute")
                    )
            )
            #expect(try await debug(redis, "push") == RESPFixtures.bulk("Some real reply following the push reply"))
            #expect(
                try await debug(redis, "verbatim") == .verbatimString(format: "txt", text: "This is a verbatim\nstring")
            )
            #expect(try await debug(redis, "true") == .boolean(true))
            #expect(try await debug(redis, "false") == .boolean(false))
            #expect(try await redis.send(["SET", prefix + "resp3", "x"]) == .simpleString("OK"))
        }
        // The push message went out of band, not into a reply.
        #expect(
            pushes.values.withLock { $0 } == [
                .push([.bulkString(ByteBuffer(string: "server-cpu-usage")), .integer(42)])
            ]
        )
    }

    @Test("speaks RESP2 when asked to, with RESP2's nulls and flat arrays")
    func resp2() async throws {
        try await withRedis({ $0.protocolVersion = .resp2 }) { (redis: RedisConnection) async throws in
            #expect(redis.protocolVersion == .resp2)
            #expect(try await redis.send(["GET", prefix + "missing"]) == .nullBulkString)
            try await redis.hashSet(prefix + "h2", fields: ["a": "1", "b": "2"])
            #expect(try await redis.send(["HGETALL", prefix + "h2"]).elements?.count == 4)
            #expect(try await redis.hashGetAll(prefix + "h2") == ["a": "1", "b": "2"])
            #expect(try await redis.get(prefix + "missing") == nil)
        }
    }

    @Test("typed commands: strings, expiry, counters, hashes, TIME, PING")
    func typedCommands() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            let key = prefix + "string"
            #expect(try await redis.set(key, to: "v1"))
            #expect(try await redis.getString(key) == "v1")
            #expect(try await redis.set(key, to: "v2", condition: .ifNotExists) == false)
            #expect(try await redis.getString(key) == "v1")
            #expect(try await redis.set(key, to: "v3", condition: .ifExists))
            #expect(try await redis.set(prefix + "absent", to: "x", condition: .ifExists) == false)
            #expect(try await redis.getString(prefix + "absent") == nil)
            #expect(try await redis.timeToLive(key) == .persistent)
            #expect(try await redis.timeToLive(prefix + "absent") == .missingKey)
            try await redis.set(key, to: "v4", expiration: .seconds(100))
            guard case .seconds(let seconds) = try await redis.timeToLive(key) else {
                Issue.record("no TTL after SET EX")
                return
            }
            #expect((90...100).contains(seconds))
            try await redis.set(key, to: "v5", expiration: .milliseconds(50_000))
            guard case .seconds(let pxSeconds) = try await redis.timeToLive(key) else {
                Issue.record("no TTL after SET PX")
                return
            }
            #expect((40...50).contains(pxSeconds))
            #expect(try await redis.expire(key, seconds: 1000))
            #expect(try await redis.expire(prefix + "absent", seconds: 1000) == false)
            let counter = prefix + "counter"
            #expect(try await redis.increment(counter) == 1)
            #expect(try await redis.increment(counter) == 2)
            #expect(try await redis.delete(key, counter, prefix + "absent") == 2)
            #expect(try await redis.get(key) == nil)

            let hash = prefix + "hash"
            #expect(try await redis.hashSet(hash, fields: ["name": "ada", "lang": "swift"]) == 2)
            #expect(try await redis.hashSet(hash, fields: ["name": "grace"]) == 0)
            #expect(try await redis.hashGet(hash, field: "name") == "grace")
            #expect(try await redis.hashGet(hash, field: "nope") == nil)
            #expect(try await redis.hashGetAll(hash) == ["name": "grace", "lang": "swift"])
            #expect(try await redis.hashGetAll(prefix + "absent") == [:])

            let time = try await redis.time()
            #expect(time > .seconds(1_700_000_000))
            #expect(try await redis.ping() == "PONG")
            #expect(try await redis.ping("hi") == "hi")
        }
    }

    @Test("an error reply is a serverError with the server's code, distinct from other errors")
    func serverErrors() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            try await redis.hashSet(prefix + "wrongtype", fields: ["f": "v"])
            let error = await #expect(throws: RedisError.self) { try await redis.get(prefix + "wrongtype") }
            #expect(error?.code == .serverError)
            #expect(error?.serverCode == "WRONGTYPE")
            let unknown = await #expect(throws: RedisError.self) { try await redis.send(["NOSUCHCMD", "secret-arg"]) }
            #expect(unknown?.serverCode == "ERR")
            #expect(unknown.map { !"\($0)".contains("secret-arg") } == true)
            // The connection is still usable.
            #expect(try await redis.ping() == "PONG")
        }
    }

    @Test("a 16 MiB value round-trips byte for byte")
    func largeValue() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            var value = ByteBuffer()
            var random = SeededGenerator(seed: 16)
            for _ in 0..<(16 * 1024 * 1024 / 8) { value.writeInteger(random.next()) }
            let key = prefix + "large"
            try await redis.set(key, to: value)
            let read = try #require(try await redis.get(key))
            #expect(read.readableBytes == 16 * 1024 * 1024)
            #expect(read == value)
            try await redis.delete(key)
        }
    }

    @Test("a 10,000-command pipeline gets every reply, in order")
    func pipeline() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            let counter = prefix + "pipeline"
            var commands = (0..<10_000).map { _ in RedisCommand("INCR", counter) }
            commands.insert(RedisCommand("GET", counter), at: 5_000)
            let results = await redis.pipeline(commands)
            #expect(results.count == 10_001)
            let values = results.map { try? $0.get() }
            #expect(values[5_000] == .bulkString(ByteBuffer(string: "5000")))
            var expected = Array(1...10_000).map { RESPValue.integer(Int64($0)) }
            expected.insert(.bulkString(ByteBuffer(string: "5000")), at: 5_000)
            #expect(values == expected)
        }
    }

    @Test("concurrent tasks on one connection each get their own reply")
    func concurrentSenders() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        let reply = try await redis.send(["ECHO", "message-\(index)"])
                        #expect(reply.string == "message-\(index)")
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("an error reply inside a pipeline fails only its own command")
    func pipelineWithError() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            try await redis.hashSet(prefix + "h", fields: ["f": "v"])
            let results = await redis.pipeline([
                RedisCommand("PING"), RedisCommand("GET", prefix + "h"), RedisCommand("ECHO", "after"),
            ])
            #expect((try? results[0].get()) == .simpleString("PONG"))
            guard case .failure(let error) = results[1] else {
                Issue.record("GET on a hash succeeded")
                return
            }
            #expect(error.serverCode == "WRONGTYPE")
            #expect((try? results[2].get())?.string == "after")
        }
    }

    @Test("a command without a reply in time fails with a timeout and closes the connection")
    func commandTimeout() async throws {
        try await withRedis { (redis: RedisConnection) async throws in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: RedisError.self) {
                try await redis.send(["BLPOP", prefix + "never", "10"], timeout: .milliseconds(200))
            }
            #expect(error?.code == .timeout)
            #expect(clock.now - start < .seconds(30))
            let later = await #expect(throws: RedisError.self) { try await redis.ping() }
            #expect(later?.code == .connectionClosed)
        }
    }

    @Test("SELECT and CLIENT SETNAME apply on RESP3 and RESP2")
    func selectAndName() async throws {
        for version in [RedisConnection.ProtocolVersion.resp3, .resp2] {
            try await withRedis({
                $0.database = 3
                $0.clientName = "mastery-test"
                $0.protocolVersion = version
            }) { (redis: RedisConnection) async throws in
                #expect(try await redis.send(["CLIENT", "GETNAME"]).string == "mastery-test")
                let info = try await redis.send(["CLIENT", "INFO"]).string ?? ""
                #expect(info.contains(" db=3 "), "\(version)")
                try await redis.set(prefix + "db3", to: "x")
            }
        }
        try await withRedis { (redis: RedisConnection) async throws in
            #expect(try await redis.get(prefix + "db3") == nil)
        }
        try await withRedis({ $0.database = 3 }) { redis in try await redis.delete(prefix + "db3") }
    }

    @Test("an unreachable server is a connectionFailed error")
    func connectionFailed() async throws {
        var configuration = RedisConnection.Configuration(port: try freePort())
        configuration.connectTimeout = .seconds(2)
        let error = await #expect(throws: RedisError.self) {
            _ = try await RedisConnection.connect(configuration: configuration, logger: .test)
        }
        #expect(error?.code == .connectionFailed)
    }
}

/// Values collected from callbacks on the event loop.
final class Collected: Sendable {
    let values = Mutex<[RESPValue]>([])
}
