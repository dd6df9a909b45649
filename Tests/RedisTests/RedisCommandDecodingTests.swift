import NIOCore
import Redis
import Testing

/// Reply shapes the local server does not send (older versions, RESP3 variants), options' encodings and the
/// arguments and timeouts of blocking commands, checked against canned replies.
@Suite("Redis typed commands: reply shapes and arguments")
struct RedisCommandDecodingTests {
    static func bulk(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }

    @Test("stream IDs parse, print and order like the server's")
    func streamIDs() {
        #expect(RedisStreamID("1700000000000-5") == RedisStreamID(milliseconds: 1_700_000_000_000, sequence: 5))
        #expect(RedisStreamID("42") == RedisStreamID(milliseconds: 42, sequence: 0))
        #expect(RedisStreamID("18446744073709551615-18446744073709551615")?.sequence == .max)
        for invalid in ["", "-", "1-", "-1", "a-1", "1-b", "1-2-3", "18446744073709551616-0", "$", ">"] {
            #expect(RedisStreamID(invalid) == nil, "\(invalid)")
        }
        #expect(RedisStreamID(milliseconds: 7, sequence: 3).description == "7-3")
        #expect(RedisStreamID.zero < RedisStreamID(milliseconds: 0, sequence: 1))
        #expect(RedisStreamID(milliseconds: 1, sequence: 99) < RedisStreamID(milliseconds: 2, sequence: 0))
    }

    @Test("options are written as Redis reads them")
    func options() {
        #expect(RedisScoreBound.inclusive(1.5).description == "1.5")
        #expect(RedisScoreBound.exclusive(-2).description == "(-2.0")
        #expect(RedisScoreBound.inclusive(.infinity).description == "+inf")
        #expect(RedisScoreBound.exclusive(-.infinity).description == "(-inf")
        #expect(RedisScoreBound.negativeInfinity.description == "-inf")
        #expect(RedisListEnd.left.description == "LEFT")
        #expect(RedisStreamPosition.end.description == "$")
        #expect(RedisStreamPosition.after(.zero).description == "0-0")
        #expect(RedisStreamGroupPosition.undelivered.description == ">")
        #expect(RedisStreamGroupPosition.pending().description == "0-0")
        #expect(RedisStreamRangeBound.exclusive(RedisStreamID(milliseconds: 5, sequence: 1)).description == "(5-1")
    }

    @Test("blocking commands send the block time and wait that long plus a margin")
    func blockingArguments() async throws {
        let redis = CannedExecutor([.nullArray, .null, .null, .null, .nullArray, .null])
        #expect(try await redis.blockingListPop(["a", "b"], from: .right, timeout: .milliseconds(1_500)) == nil)
        #expect(try await redis.blockingListMove(from: "a", .left, to: "b", .right, timeout: .nanoseconds(1)) == nil)
        #expect(try await redis.blockingSortedSetPopMax(["z"], timeout: .seconds(120)) == nil)
        #expect(try await redis.streamRead("s", after: .end, count: 10, block: .microseconds(2_500)) == [])
        #expect(try await redis.streamRead("s", after: .end) == [])
        #expect(try await redis.streamReadGroup("s", group: "g", consumer: "c", block: .seconds(2)) == [])
        let sent = redis.sent
        #expect(
            sent.map(\.arguments) == [
                ["BRPOP", "a", "b", "1.500"],
                ["BLMOVE", "a", "b", "LEFT", "RIGHT", "0.001"],
                ["BZPOPMAX", "z", "120.000"],
                ["XREAD", "COUNT", "10", "BLOCK", "3", "STREAMS", "s", "$"],
                ["XREAD", "STREAMS", "s", "$"],
                ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "2000", "STREAMS", "s", ">"],
            ]
        )
        #expect(
            sent.map(\.timeout) == [
                .milliseconds(6_500), .milliseconds(5_001), .seconds(125), .milliseconds(5_003), nil, .seconds(7),
            ]
        )
    }

    @Test("trimming, ZADD and ZRANGE options are sent in the documented order")
    func commandArguments() async throws {
        let id = Self.bulk("1-1")
        let redis = CannedExecutor([id, id, .integer(0), .integer(1), .array([]), .array([])])
        try await redis.streamAdd("s", fields: ["f": "v"], trim: .maxLength(100))
        try await redis.streamAdd(
            "s",
            id: RedisStreamID(milliseconds: 1, sequence: 1),
            fields: ["f": 1],
            trim: .minimumID(.zero, approximate: false, limit: 5)
        )
        try await redis.streamTrim("s", .maxLength(10, limit: 50))
        try await redis.sortedSetAdd("z", member: "m", score: 0.1, condition: .ifExists, comparison: .ifLess)
        _ = try await redis.sortedSetRangeByScoreWithScores(
            "z",
            from: .exclusive(1),
            to: .positiveInfinity,
            reverse: true,
            limit: 3
        )
        _ = try await redis.sortedSetRange("z", from: 2, to: -3, reverse: true)
        #expect(
            redis.sent.map(\.arguments) == [
                ["XADD", "s", "MAXLEN", "~", "100", "*", "f", "v"],
                ["XADD", "s", "MINID", "=", "0-0", "1-1", "f", "1"],
                ["XTRIM", "s", "MAXLEN", "~", "10", "LIMIT", "50"],
                ["ZADD", "z", "XX", "LT", "CH", "0.1", "m"],
                ["ZRANGE", "z", "+inf", "(1.0", "BYSCORE", "REV", "LIMIT", "0", "3", "WITHSCORES"],
                ["ZRANGE", "z", "2", "-3", "REV"],
            ]
        )
    }

    @Test("scored members read RESP2 flat arrays, RESP3 pairs and RESP3's single flat pair")
    func scoredMembers() async throws {
        let redis = CannedExecutor([
            .array([Self.bulk("a"), Self.bulk("1.5"), Self.bulk("b"), Self.bulk("-inf")]),
            .array([.array([Self.bulk("a"), .double(1.5)]), .array([Self.bulk("b"), .double(-.infinity)])]),
            .array([Self.bulk("a"), .double(1.5)]),
            .array([Self.bulk("a")]),
        ])
        let expected = [RedisScoredMember(member: "a", score: 1.5), RedisScoredMember(member: "b", score: -.infinity)]
        #expect(try await redis.sortedSetPopMin("z", count: 2) == expected)
        #expect(try await redis.sortedSetPopMin("z", count: 2) == expected)
        #expect(try await redis.sortedSetPopMin("z") == [expected[0]])
        let odd = await #expect(throws: RedisError.self) { try await redis.sortedSetPopMin("z") }
        #expect(odd?.code == .unexpectedReply)
    }

    @Test("older servers' XAUTOCLAIM and XCLAIM replies, and XINFO as a RESP2 array")
    func olderStreamReplies() async throws {
        let entry = RESPValue.array([Self.bulk("5-0"), .array([Self.bulk("f"), Self.bulk("v")])])
        let redis = CannedExecutor([
            .array([Self.bulk("0-0"), .array([entry])]),
            .array([entry, .nullBulkString]),
            // Redis 6's XINFO GROUPS: no entries-read or lag.
            .array([
                .array([
                    Self.bulk("name"), Self.bulk("g"), Self.bulk("consumers"), .integer(1), Self.bulk("pending"),
                    .integer(2), Self.bulk("last-delivered-id"), Self.bulk("5-0"),
                ])
            ]),
        ])
        let expectedEntry = RedisStreamEntry(
            id: RedisStreamID(milliseconds: 5),
            fields: [.init(name: "f", value: ByteBuffer(string: "v"))]
        )
        let claim = try await redis.streamAutoClaim("s", group: "g", consumer: "c", minimumIdleTime: .seconds(1))
        #expect(claim == RedisStreamAutoClaim(nextID: .zero, entries: [expectedEntry], deletedIDs: []))
        #expect(
            try await redis.streamClaim("s", group: "g", consumer: "c", minimumIdleTime: .zero, ids: [.zero]) == [
                expectedEntry
            ]
        )
        #expect(
            try await redis.streamGroups("s")
                == [
                    RedisStreamGroupInfo(
                        name: "g",
                        consumerCount: 1,
                        pendingCount: 2,
                        lastDeliveredID: RedisStreamID(milliseconds: 5)
                    )
                ]
        )
    }

    @Test("a reply of the wrong type is an unexpectedReply error naming the command")
    func unexpectedReplies() async throws {
        let redis = CannedExecutor([.array([]), .integer(1), .simpleString("OK"), .array([Self.bulk("x")])])
        let score = await #expect(throws: RedisError.self) { try await redis.sortedSetScore("z", member: "m") }
        #expect(score?.code == .unexpectedReply)
        #expect(score?.message.hasPrefix("ZSCORE") == true)
        let get = await #expect(throws: RedisError.self) { try await redis.get("k") }
        #expect(get?.code == .unexpectedReply)
        let id = await #expect(throws: RedisError.self) { try await redis.streamAdd("s", fields: ["f": "v"]) }
        #expect(id?.code == .unexpectedReply)
        let pending = await #expect(throws: RedisError.self) { try await redis.streamPendingSummary("s", group: "g") }
        #expect(pending?.code == .unexpectedReply)
    }
}
