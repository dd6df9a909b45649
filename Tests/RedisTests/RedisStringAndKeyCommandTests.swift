import NIOCore
import Redis
import TestSupport
import Testing

@Suite(
    "Redis string and key commands against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisStringAndKeyCommandTests {
    let prefix = TestServers.uniqueKeyPrefix()

    @Test("MGET/MSET/MSETNX, INCRBY/DECRBY/INCRBYFLOAT, GETDEL, APPEND, STRLEN", arguments: CommandTestRedis.protocols)
    func strings(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let (a, b, missing) = (prefix + "\(version):a", prefix + "\(version):b", prefix + "\(version):missing")
            try await redis.set([a: "1", b: "two"])
            #expect(try await redis.getStrings([a, missing, b]) == ["1", nil, "two"])
            #expect(try await redis.get([a, b]) == [ByteBuffer(string: "1"), ByteBuffer(string: "two")])
            #expect(try await redis.get([]) == [])
            #expect(try await redis.setIfNoneExist([missing: "x", a: "y"]) == false)
            #expect(try await redis.get(missing) == nil)
            #expect(try await redis.getString(a) == "1")

            #expect(try await redis.increment(a, by: 10) == 11)
            #expect(try await redis.decrement(a, by: 20) == -9)
            #expect(try await redis.decrement(a) == -10)
            #expect(try await redis.increment(a, byFloat: 0.5) == -9.5)
            let notANumber = await #expect(throws: RedisError.self) { try await redis.increment(b, by: 1) }
            #expect(notANumber?.code == .serverError)
            #expect(notANumber?.serverCode == "ERR")

            #expect(try await redis.append(b, "-three") == 9)
            #expect(try await redis.stringLength(b) == 9)
            #expect(try await redis.stringLength(missing) == 0)
            #expect(try await redis.getDelete(b) == ByteBuffer(string: "two-three"))
            #expect(try await redis.getDelete(b) == nil)

            let binary = prefix + "\(version):binary"
            #expect(try await redis.setIfNoneExist([binary: ByteBuffer.awkward]))
            #expect(try await redis.get([binary]) == [.awkward])
            #expect(try await redis.append(binary, ByteBuffer.awkward) == 2 * ByteBuffer.awkward.readableBytes)
            #expect(try await redis.delete([a, binary, missing]) == 2)
        }
    }

    @Test("EXISTS, UNLINK, PEXPIRE, PERSIST, TTL, TYPE", arguments: CommandTestRedis.protocols)
    func keys(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let (string, hash, missing) = (prefix + "\(version):s", prefix + "\(version):h", prefix + "\(version):m")
            try await redis.set(string, to: "v")
            try await redis.hashSet(hash, fields: ["f": 1])
            #expect(try await redis.exists(string, hash, missing, string) == 3)
            #expect(try await redis.keyType(string) == "string")
            #expect(try await redis.keyType(hash) == "hash")
            #expect(try await redis.keyType(missing) == nil)

            #expect(try await redis.expire(string, after: .milliseconds(100_500)))
            guard case .seconds(let seconds) = try await redis.timeToLive(string) else {
                Issue.record("no TTL after PEXPIRE")
                return
            }
            #expect((50...101).contains(seconds))  // generous: a loaded machine may stall between the commands
            #expect(try await redis.expire(missing, after: .seconds(10)) == false)
            #expect(try await redis.persist(string))
            #expect(try await redis.persist(string) == false)
            #expect(try await redis.timeToLive(string) == .persistent)

            #expect(try await redis.unlink(string, missing) == 1)
            #expect(try await redis.expire(hash, after: .zero))
            #expect(try await redis.exists(string, hash) == 0)
        }
    }

    @Test("SCAN pages and scanKeys find every matching key, and only those", arguments: CommandTestRedis.protocols)
    func scan(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let base = prefix + "\(version):scan:"
            let names = (0..<250).map { base + "key\($0)" }
            try await redis.set(names.map { ($0, "v") })
            try await redis.hashSet(base + "hash", fields: ["f": "v"])
            try await redis.set(prefix + "\(version):elsewhere", to: "v")

            var found: Set<String> = []
            var pages = 0
            for try await key in redis.scanKeys(matching: base + "*", count: 50) {
                found.insert(key)
            }
            #expect(found == Set(names + [base + "hash"]))

            // Page by page, with a TYPE filter.
            var cursor: UInt64 = 0
            var strings: Set<String> = []
            repeat {
                let page = try await redis.scan(cursor: cursor, matching: base + "*", count: 50, type: "string")
                strings.formUnion(page.keys)
                cursor = page.cursor
                pages += 1
            } while cursor != 0 && pages < 10_000
            #expect(cursor == 0)
            #expect(strings == Set(names))
            #expect(try await redis.delete(names + [base + "hash", prefix + "\(version):elsewhere"]) == 252)
        }
    }

    @Test("a 16 MiB value round-trips through HSET/HGET and LPUSH/LPOP on RESP2")
    func largeValuesOnResp2() async throws {
        try await CommandTestRedis.with(.resp2) { redis in
            var value = ByteBuffer()
            var random = SeededGenerator(seed: 21)
            for _ in 0..<(16 * 1024 * 1024 / 8) { value.writeInteger(random.next()) }
            let (hash, list) = (prefix + "large:hash", prefix + "large:list")
            try await redis.hashSet(hash, fields: ["payload": value])
            #expect(try await redis.hashGetBytes(hash, field: "payload") == value)
            try await redis.listPush(list, [value], to: .left)
            #expect(try await redis.listPop(list, from: .right) == value)
            try await redis.unlink(hash, list)
        }
    }

    @Test(
        "a command on a key of another type is a serverError with code WRONGTYPE",
        arguments: CommandTestRedis.protocols
    )
    func wrongType(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let string = prefix + "\(version):wrongtype"
            try await redis.set(string, to: "text")
            let attempts: [(String, @Sendable (RedisConnection) async throws -> Void)] = [
                ("HSET", { try await $0.hashSet(string, fields: ["f": "v"]) }),
                ("ZADD", { try await $0.sortedSetAdd(string, member: "m", score: 1) }),
                ("ZRANGE", { _ = try await $0.sortedSetRangeWithScores(string) }),
                ("LPUSH", { try await $0.listPush(string, ["v"], to: .left) }),
                ("BLPOP", { _ = try await $0.blockingListPop([string], from: .left, timeout: .seconds(1)) }),
                ("XADD", { try await $0.streamAdd(string, fields: ["f": "v"]) }),
                ("XREAD", { _ = try await $0.streamRead(string, after: .after(.zero)) }),
            ]
            for (name, attempt) in attempts {
                let error = await #expect(throws: RedisError.self, "\(name)") { try await attempt(redis) }
                #expect(error?.code == .serverError, "\(name)")
                #expect(error?.serverCode == "WRONGTYPE", "\(name)")
            }
            #expect(try await redis.ping() == "PONG")
            try await redis.delete(string)
        }
    }
}
