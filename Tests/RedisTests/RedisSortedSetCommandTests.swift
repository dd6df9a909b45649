import NIOCore
import Redis
import TestSupport
import Testing

@Suite(
    "Redis sorted-set commands against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisSortedSetCommandTests {
    let prefix = TestServers.uniqueKeyPrefix()

    static func strings(_ members: [ByteBuffer]) -> [String] { members.map { String(buffer: $0) } }
    static func pairs(_ members: [RedisScoredMember]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: members.map { ($0.memberString, $0.score) })
    }

    @Test("ZADD with NX/XX/GT/LT/CH, ZSCORE, ZMSCORE, ZINCRBY, ZRANK/ZREVRANK", arguments: CommandTestRedis.protocols)
    func addAndScores(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let key = prefix + "\(version):board"
            let added = try await redis.sortedSetAdd(
                key,
                members: [
                    .init(member: "ada", score: 10), .init(member: "bob", score: 20), .init(member: "cy", score: 15),
                ]
            )
            #expect(added == 3)
            // NX adds new members only.
            let onlyNew = try await redis.sortedSetAdd(
                key,
                members: [.init(member: "ada", score: 99), .init(member: "dee", score: 5)],
                condition: .ifNotExists
            )
            #expect(onlyNew == 1)
            #expect(try await redis.sortedSetScore(key, member: "ada") == 10)
            // XX updates existing members only; CH counts the update.
            let onlyExisting = try await redis.sortedSetAdd(
                key,
                members: [.init(member: "ada", score: 11), .init(member: "eve", score: 1)],
                condition: .ifExists,
                countChanged: true
            )
            #expect(onlyExisting == 1)
            #expect(try await redis.sortedSetScore(key, member: "eve") == nil)
            // GT only raises a score, LT only lowers it.
            #expect(try await redis.sortedSetAdd(key, member: "ada", score: 5, comparison: .ifGreater) == false)
            #expect(try await redis.sortedSetAdd(key, member: "ada", score: 30, comparison: .ifGreater))
            #expect(try await redis.sortedSetAdd(key, member: "bob", score: 25, comparison: .ifLess) == false)
            #expect(try await redis.sortedSetAdd(key, member: "bob", score: 20, comparison: .ifLess) == false)
            #expect(try await redis.sortedSetScore(key, member: "bob") == 20)
            let invalid = await #expect(throws: RedisError.self) {
                try await redis.sortedSetAdd(
                    key,
                    member: "x",
                    score: 1,
                    condition: .ifNotExists,
                    comparison: .ifGreater
                )
            }
            #expect(invalid?.serverCode == "ERR")

            #expect(try await redis.sortedSetIncrement(key, member: "cy", by: 2.5) == 17.5)
            #expect(try await redis.sortedSetIncrement(key, member: "new", by: -1) == -1)
            #expect(try await redis.sortedSetRemove(key, members: ["new", "absent"]) == 1)
            #expect(try await redis.sortedSetScores(key, members: ["ada", "zzz", "cy"]) == [30, nil, 17.5])
            #expect(try await redis.sortedSetRank(key, member: "dee") == 0)
            #expect(try await redis.sortedSetRank(key, member: "ada") == 3)
            #expect(try await redis.sortedSetRank(key, member: "ada", reverse: true) == 0)
            #expect(try await redis.sortedSetRank(key, member: "zzz") == nil)
            #expect(try await redis.sortedSetScore(prefix + "absent", member: "ada") == nil)
            #expect(try await redis.sortedSetCount(key) == 4)
            #expect(try await redis.sortedSetCount(key, from: .exclusive(5), to: .inclusive(20)) == 2)

            // Binary members and infinite scores.
            try await redis.sortedSetAdd(key, member: ByteBuffer.awkward, score: .infinity)
            #expect(try await redis.sortedSetScore(key, member: ByteBuffer.awkward) == .infinity)
            #expect(
                try await redis.sortedSetRangeWithScores(key, from: -1, to: -1)
                    == [RedisScoredMember(member: .awkward, score: .infinity)]
            )
            try await redis.sortedSetAdd(key, member: "low", score: -.infinity)
            #expect(try await redis.sortedSetRank(key, member: "low") == 0)
            #expect(try await redis.sortedSetRemove(key, members: ["low"]) == 1)
            #expect(try await redis.sortedSetRemove(key, members: [ByteBuffer.awkward]) == 1)
            try await redis.delete(key)
        }
    }

    @Test(
        "ZRANGE by rank and by score, with and without scores, reversed and limited",
        arguments: CommandTestRedis.protocols
    )
    func ranges(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let key = prefix + "\(version):ranges"
            try await redis.sortedSetAdd(
                key,
                members: [
                    .init(member: "dee", score: 5), .init(member: "cy", score: 17.5), .init(member: "bob", score: 20),
                    .init(member: "ada", score: 30),
                ]
            )
            #expect(Self.strings(try await redis.sortedSetRange(key)) == ["dee", "cy", "bob", "ada"])
            #expect(Self.strings(try await redis.sortedSetRange(key, from: 0, to: 1, reverse: true)) == ["ada", "bob"])
            #expect(try await redis.sortedSetRange(prefix + "absent") == [])
            #expect(
                try await redis.sortedSetRangeWithScores(key, from: 0, to: 1, reverse: true)
                    == [.init(member: "ada", score: 30), .init(member: "bob", score: 20)]
            )
            #expect(
                try await redis.sortedSetRangeWithScores(key)
                    == [
                        .init(member: "dee", score: 5), .init(member: "cy", score: 17.5),
                        .init(member: "bob", score: 20), .init(member: "ada", score: 30),
                    ]
            )
            #expect(try await redis.sortedSetRangeWithScores(prefix + "absent") == [])

            let fromTen = try await redis.sortedSetRangeByScore(key, from: .inclusive(10), to: .positiveInfinity)
            #expect(Self.strings(fromTen) == ["cy", "bob", "ada"])
            let aboveCy = try await redis.sortedSetRangeByScore(key, from: .exclusive(17.5), to: .inclusive(30))
            #expect(Self.strings(aboveCy) == ["bob", "ada"])
            let page = try await redis.sortedSetRangeByScore(
                key,
                from: .negativeInfinity,
                to: .positiveInfinity,
                reverse: true,
                offset: 1,
                limit: 2
            )
            #expect(Self.strings(page) == ["bob", "cy"])
            let skipOne = try await redis.sortedSetRangeByScore(
                key,
                from: .negativeInfinity,
                to: .exclusive(30),
                offset: 1
            )
            #expect(Self.strings(skipOne) == ["cy", "bob"])
            #expect(
                try await redis.sortedSetRangeByScoreWithScores(key, from: .negativeInfinity, to: .inclusive(17.5))
                    == [.init(member: "dee", score: 5), .init(member: "cy", score: 17.5)]
            )
            #expect(
                try await redis.sortedSetRangeByScoreWithScores(
                    key,
                    from: .inclusive(20),
                    to: .positiveInfinity,
                    reverse: true
                )
                    == [.init(member: "ada", score: 30), .init(member: "bob", score: 20)]
            )
            #expect(try await redis.sortedSetRangeByScore(key, from: .exclusive(30), to: .positiveInfinity) == [])
            try await redis.delete(key)
        }
    }

    @Test("ZPOPMIN/ZPOPMAX and ZREMRANGEBYSCORE", arguments: CommandTestRedis.protocols)
    func popAndRemove(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let key = prefix + "\(version):pop"
            try await redis.sortedSetAdd(
                key,
                members: (1...6).map { RedisScoredMember(member: "job\($0)", score: Double($0)) }
            )
            #expect(
                try await redis.sortedSetPopMin(key, count: 2)
                    == [.init(member: "job1", score: 1), .init(member: "job2", score: 2)]
            )
            #expect(try await redis.sortedSetPopMin(key) == [.init(member: "job3", score: 3)])
            #expect(try await redis.sortedSetPopMax(key) == [.init(member: "job6", score: 6)])
            #expect(try await redis.sortedSetPopMin(prefix + "absent", count: 3) == [])
            #expect(try await redis.sortedSetRemove(key, scoresFrom: .negativeInfinity, to: .exclusive(5)) == 1)
            #expect(Self.pairs(try await redis.sortedSetRangeWithScores(key)) == ["job5": 5])
            #expect(try await redis.sortedSetRemove(key, scoresFrom: .negativeInfinity, to: .positiveInfinity) == 1)
            #expect(try await redis.exists(key) == 0)
        }
    }
}
