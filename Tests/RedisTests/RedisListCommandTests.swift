import NIOCore
import Redis
import TestSupport
import Testing

@Suite(
    "Redis list commands and blocking commands against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisListCommandTests {
    let prefix = TestServers.uniqueKeyPrefix()

    static func strings(_ values: [ByteBuffer]) -> [String] { values.map { String(buffer: $0) } }

    @Test(
        "LPUSH/RPUSH, LPOP/RPOP with and without a count, LMOVE, LRANGE, LLEN, LREM, LTRIM",
        arguments: CommandTestRedis.protocols
    )
    func lists(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let (queue, processing) = (prefix + "\(version):queue", prefix + "\(version):processing")
            #expect(try await redis.listPush(queue, ["a", "b", "c"], to: .right) == 3)
            #expect(try await redis.listPush(queue, ["y", "z"], to: .left) == 5)
            #expect(Self.strings(try await redis.listRange(queue)) == ["z", "y", "a", "b", "c"])
            #expect(Self.strings(try await redis.listRange(queue, from: 1, to: -2)) == ["y", "a", "b"])
            #expect(try await redis.listPop(queue, from: .left) == ByteBuffer(string: "z"))
            #expect(Self.strings(try await redis.listPop(queue, from: .right, count: 2)) == ["c", "b"])
            #expect(try await redis.listLength(queue) == 2)

            #expect(try await redis.listMove(from: queue, .right, to: processing, .left) == ByteBuffer(string: "a"))
            #expect(try await redis.listMove(from: queue, .left, to: processing, .right) == ByteBuffer(string: "y"))
            #expect(try await redis.listMove(from: queue, .left, to: processing, .right) == nil)
            #expect(Self.strings(try await redis.listRange(processing)) == ["a", "y"])

            #expect(try await redis.listPop(prefix + "absent", from: .left) == nil)
            #expect(try await redis.listPop(prefix + "absent", from: .left, count: 3) == [])
            #expect(try await redis.listRange(prefix + "absent") == [])
            #expect(try await redis.listLength(prefix + "absent") == 0)

            try await redis.listPush(
                processing,
                [ByteBuffer.awkward, ByteBuffer.awkward, ByteBuffer(string: "a")],
                to: .right
            )
            #expect(try await redis.listRemove(processing, ByteBuffer.awkward, count: 1) == 1)
            #expect(try await redis.listRemove(processing, "a") == 2)
            #expect(try await redis.listRange(processing) == [ByteBuffer(string: "y"), .awkward])
            try await redis.listPush(processing, [1, 2, 3, 4], to: .right)
            try await redis.listTrim(processing, from: 0, to: 2)
            #expect(Self.strings(try await redis.listRange(processing)) == ["y", String(buffer: .awkward), "1"])
            try await redis.delete(processing)
        }
    }

    @Test(
        "blocking commands that outlast the connection's command timeout still wait their block time",
        arguments: CommandTestRedis.protocols
    )
    func blockingOutlastsCommandTimeout(version: RedisConnection.ProtocolVersion) async throws {
        // The block time is longer than the connection's command timeout: the blocking commands must use their own
        // timeout, or they would fail with `timeout` and close the connection. (BLPOP takes seconds, XREAD BLOCK
        // milliseconds; the timeouts of the others are checked in RedisCommandDecodingTests.)
        try await CommandTestRedis.with(version, commandTimeout: .seconds(1)) {
            (redis: RedisConnection) async throws in
            let (list, stream) = (prefix + "\(version):outlast-list", prefix + "\(version):outlast-stream")
            let clock = ContinuousClock()
            let block = Duration.milliseconds(1_500)

            var start = clock.now
            #expect(try await redis.blockingListPop([list], from: .left, timeout: block) == nil)
            #expect(clock.now - start >= block - .milliseconds(20))

            start = clock.now
            #expect(try await redis.streamRead(stream, after: .end, block: block) == [])
            #expect(clock.now - start >= block - .milliseconds(20))

            #expect(redis.isActive)
            #expect(try await redis.send(["PING"], timeout: .seconds(60)).string == "PONG")
        }
    }

    @Test("blocking commands that time out return nil", arguments: CommandTestRedis.protocols)
    func blockingTimeouts(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let (list, set, stream) = (
                prefix + "\(version):empty-list", prefix + "\(version):empty-set", prefix + "\(version):empty-stream"
            )
            let clock = ContinuousClock()
            let block = Duration.milliseconds(100)

            var start = clock.now
            #expect(try await redis.blockingListPop([list, list + "2"], from: .right, timeout: block) == nil)
            #expect(try await redis.blockingListMove(from: list, .right, to: list + "2", .left, timeout: block) == nil)
            #expect(try await redis.blockingSortedSetPopMin([set], timeout: block) == nil)
            #expect(try await redis.blockingSortedSetPopMax([set], timeout: block) == nil)
            #expect(clock.now - start >= block * 4 - .milliseconds(40))

            #expect(try await redis.streamCreateGroup(stream, group: "g", makeStream: true))
            start = clock.now
            #expect(try await redis.streamReadGroup(stream, group: "g", consumer: "c", block: block) == [])
            #expect(clock.now - start >= block - .milliseconds(10))
            #expect(try await redis.exists(list, list + "2", set) == 0)
            try await redis.delete(stream)
        }
    }

    @Test(
        "a blocking pop is woken by a push from another connection and returns the value",
        arguments: CommandTestRedis.protocols
    )
    func blockingPopWoken(version: RedisConnection.ProtocolVersion) async throws {
        let list = prefix + "\(version):wake-list"
        let popped = try await wokenByAnotherConnection(version, command: "blpop") { redis in
            try await redis.blockingListPop([list + ":other", list], from: .left, timeout: .seconds(60))
        } wake: { other in
            try await other.listPush(list, ["job-1"], to: .right)
        }
        #expect(popped?.key == list)
        #expect(popped?.value == ByteBuffer(string: "job-1"))
    }

    @Test("BLMOVE, BZPOPMIN and XREAD BLOCK are woken by another connection", arguments: CommandTestRedis.protocols)
    func otherBlockingCommandsWoken(version: RedisConnection.ProtocolVersion) async throws {
        let (source, destination) = (prefix + "\(version):wake-source", prefix + "\(version):wake-destination")
        let moved = try await wokenByAnotherConnection(version, command: "blmove") { redis in
            try await redis.blockingListMove(from: source, .left, to: destination, .right, timeout: .seconds(60))
        } wake: { other in
            try await other.listPush(source, [ByteBuffer.awkward], to: .right)
        }
        #expect(moved == .awkward)

        let set = prefix + "\(version):wake-set"
        let member = try await wokenByAnotherConnection(version, command: "bzpopmin") { redis in
            try await redis.blockingSortedSetPopMin([set], timeout: .seconds(60))
        } wake: { other in
            try await other.sortedSetAdd(set, member: "job", score: 2.5)
        }
        #expect(member?.key == set)
        #expect(member?.member == RedisScoredMember(member: "job", score: 2.5))

        let stream = prefix + "\(version):wake-stream"
        try await CommandTestRedis.with(version) { redis in try await redis.streamAdd(stream, fields: ["old": 1]) }
        let entries = try await wokenByAnotherConnection(version, command: "xread") { redis in
            try await redis.streamRead(stream, after: .end, block: .seconds(60))
        } wake: { other in
            try await other.streamAdd(stream, fields: ["new": 2])
        }
        #expect(entries.map { $0.string("new") } == ["2"])

        try await CommandTestRedis.with(version) { redis in try await redis.delete(destination, stream) }
    }

    /// Starts `block` on one connection, waits until the server reports it blocked in `command`, runs `wake` on
    /// another connection, and returns what `block` returned.
    func wokenByAnotherConnection<Result: Sendable>(
        _ version: RedisConnection.ProtocolVersion,
        command: String,
        block: @escaping @Sendable (RedisConnection) async throws -> Result,
        wake: (RedisConnection) async throws -> Void
    ) async throws -> Result {
        let configuration = try CommandTestRedis.configuration(version)
        let blocked = try await RedisConnection.connect(configuration: configuration, logger: .test)
        do {
            let clientID = try #require(try await blocked.send(["CLIENT", "ID"]).integer)
            let waiter = Task { try await block(blocked) }
            do {
                try await CommandTestRedis.with(version) { other in
                    try await CommandTestRedis.waitUntilBlocked(clientID: clientID, in: command, observer: other)
                    try await wake(other)
                }
            } catch {
                waiter.cancel()
                await blocked.close()
                _ = try? await waiter.value
                throw error
            }
            let result = try await waiter.value
            await blocked.close()
            return result
        } catch {
            await blocked.close()
            throw error
        }
    }
}
