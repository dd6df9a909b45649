import NIOCore
import Redis
import TestSupport
import Testing

@Suite(
    "Redis stream commands against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisStreamCommandTests {
    let prefix = TestServers.uniqueKeyPrefix()

    @Test(
        "XADD (with IDs and trimming), XLEN, XRANGE/XREVRANGE, XREAD, XTRIM, XDEL, XINFO STREAM",
        arguments: CommandTestRedis.protocols
    )
    func streams(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let key = prefix + "\(version):feed"
            let first = try await redis.streamAdd(key, fields: ["user": "ada", "text": "hi"])
            let second = try await redis.streamAdd(
                key,
                fields: [("user", ByteBuffer(string: "bob")), ("text", ByteBuffer.awkward)]
            )
            #expect(second > first)
            let explicit = RedisStreamID(milliseconds: second.milliseconds + 1_000, sequence: 7)
            #expect(try await redis.streamAdd(key, id: explicit, fields: ["n": 3, "m": 4]) == explicit)
            let stale = await #expect(throws: RedisError.self) {
                try await redis.streamAdd(key, id: first, fields: ["late": 1])
            }
            #expect(stale?.serverCode == "ERR")
            #expect(try await redis.streamLength(key) == 3)

            let all = try await redis.streamRange(key)
            #expect(all.map(\.id) == [first, second, explicit])
            #expect(all[0].fields.map(\.name) == ["user", "text"])
            #expect(all[0].string("user") == "ada")
            #expect(all[1][field: "text"] == .awkward)
            #expect(
                all[2].fields == [
                    .init(name: "n", value: ByteBuffer(string: "3")), .init(name: "m", value: ByteBuffer(string: "4")),
                ]
            )
            #expect(all[2][field: "absent"] == nil)
            #expect(try await redis.streamRange(key, from: .exclusive(first), count: 1).map(\.id) == [second])
            #expect(
                try await redis.streamRange(key, from: .inclusive(second), to: .inclusive(second)).map(\.id) == [second]
            )
            #expect(try await redis.streamRange(key, count: 2, reverse: true).map(\.id) == [explicit, second])
            #expect(
                try await redis.streamRange(key, to: .exclusive(explicit), count: 5, reverse: true).map(\.id) == [
                    second, first,
                ]
            )
            #expect(try await redis.streamRange(prefix + "absent") == [])

            #expect(try await redis.streamRead(key, after: .after(.zero)) == all)
            #expect(try await redis.streamRead(key, after: .after(first), count: 1).map(\.id) == [second])
            #expect(try await redis.streamRead(key, after: .after(explicit)) == [])
            #expect(try await redis.streamRead(key, after: .end) == [])
            #expect(try await redis.streamRead(prefix + "absent", after: .after(.zero)) == [])

            let other = prefix + "\(version):other"
            let otherID = try await redis.streamAdd(other, fields: ["x": "y"])
            let batches = try await redis.streamRead([
                (key, .after(second)), (other, .after(.zero)), (prefix + "absent", .after(.zero)),
            ])
            #expect(Set(batches.map(\.key)) == [key, other])
            #expect(batches.first { $0.key == key }?.entries.map(\.id) == [explicit])
            #expect(batches.first { $0.key == other }?.entries.map(\.id) == [otherID])

            let info = try await redis.streamInfo(key)
            #expect(info.length == 3)
            #expect(info.lastGeneratedID == explicit)
            #expect(info.groupCount == 0)
            #expect(info.firstEntry == all.first)
            #expect(info.lastEntry == all.last)
            #expect(info.entriesAdded == 3)

            #expect(try await redis.streamDelete(key, ids: [second, RedisStreamID(milliseconds: 1)]) == 1)
            #expect(try await redis.streamInfo(key).maxDeletedEntryID == second)
            #expect(try await redis.streamTrim(key, .maxLength(1, approximate: false)) == 1)
            #expect(try await redis.streamRange(key).map(\.id) == [explicit])
            let fourth = try await redis.streamAdd(key, fields: ["k": "v"], trim: .maxLength(1, approximate: false))
            #expect(try await redis.streamRange(key).map(\.id) == [fourth])
            try await redis.streamAdd(key, fields: ["k": "v2"], trim: .maxLength(1_000, limit: 100))
            #expect(
                try await redis.streamTrim(
                    key,
                    .minimumID(
                        RedisStreamID(milliseconds: fourth.milliseconds, sequence: fourth.sequence + 1),
                        approximate: false
                    )
                ) == 1
            )
            #expect(try await redis.streamLength(key) == 1)
            let missing = await #expect(throws: RedisError.self) { try await redis.streamInfo(prefix + "absent") }
            #expect(missing?.serverCode == "ERR")
            try await redis.delete(key, other)
        }
    }

    @Test(
        "consumer group round trip: XADD → XREADGROUP → XPENDING → XACK → XAUTOCLAIM of an unacked entry",
        arguments: CommandTestRedis.protocols
    )
    func consumerGroup(version: RedisConnection.ProtocolVersion) async throws {
        try await CommandTestRedis.with(version) { redis in
            let key = prefix + "\(version):jobs"
            let group = "workers"
            #expect(try await redis.streamCreateGroup(key, group: group, makeStream: true))
            #expect(try await redis.streamCreateGroup(key, group: group) == false)
            let noGroup = await #expect(throws: RedisError.self) {
                try await redis.streamReadGroup(key, group: "absent", consumer: "a")
            }
            #expect(noGroup?.serverCode == "NOGROUP")

            var ids: [RedisStreamID] = []
            for job in 0..<3 { ids.append(try await redis.streamAdd(key, fields: ["job": job])) }

            let forA = try await redis.streamReadGroup(key, group: group, consumer: "a", count: 2)
            #expect(forA.map(\.id) == [ids[0], ids[1]])
            #expect(forA.map { $0.string("job") } == ["0", "1"])
            let forB = try await redis.streamReadGroup(key, group: group, consumer: "b")
            #expect(forB.map(\.id) == [ids[2]])
            #expect(try await redis.streamReadGroup(key, group: group, consumer: "b") == [])

            let summary = try await redis.streamPendingSummary(key, group: group)
            #expect(summary.count == 3)
            #expect(summary.lowestID == ids[0])
            #expect(summary.highestID == ids[2])
            #expect(summary.consumers == [.init(name: "a", count: 2), .init(name: "b", count: 1)])
            let pendingForA = try await redis.streamPending(key, group: group, count: 10, consumer: "a")
            #expect(pendingForA.map(\.id) == [ids[0], ids[1]])
            #expect(pendingForA.allSatisfy { $0.consumer == "a" && $0.deliveryCount == 1 && $0.idleTime >= .zero })
            #expect(try await redis.streamPending(key, group: group, count: 10, minimumIdleTime: .seconds(3_600)) == [])
            #expect(
                try await redis.streamPending(
                    key,
                    group: group,
                    from: .exclusive(ids[0]),
                    to: .inclusive(ids[1]),
                    count: 10
                ).map(\.id) == [ids[1]]
            )

            #expect(try await redis.streamAcknowledge(key, group: group, ids: [ids[0]]) == 1)
            #expect(try await redis.streamAcknowledge(key, group: group, ids: [ids[0]]) == 0)

            // After a restart, "a" rereads its own pending entries.
            let recovered = try await redis.streamReadGroup(key, group: group, consumer: "a", position: .pending())
            #expect(recovered.map(\.id) == [ids[1]])
            #expect(recovered.first?.string("job") == "1")

            // "a" never acknowledges ids[1]: "c" claims it.
            let claim = try await redis.streamAutoClaim(
                key,
                group: group,
                consumer: "c",
                minimumIdleTime: .zero,
                count: 1
            )
            #expect(claim.entries.map(\.id) == [ids[1]])
            #expect(claim.entries.first?.string("job") == "1")
            #expect(claim.deletedIDs == [])
            let claimed = try await redis.streamPending(key, group: group, count: 10, consumer: "c")
            #expect(claimed.map(\.id) == [ids[1]])
            // Delivered to "a", redelivered by the reread, then claimed.
            #expect(claimed.first?.deliveryCount == 3)

            // An entry deleted while pending: its ID alone on reread, and XAUTOCLAIM drops it.
            #expect(try await redis.streamDelete(key, ids: [ids[2]]) == 1)
            let deletedRead = try await redis.streamReadGroup(
                key,
                group: group,
                consumer: "b",
                position: .pending(after: .zero)
            )
            #expect(deletedRead == [RedisStreamEntry(id: ids[2], fields: [])])
            let sweep = try await redis.streamAutoClaim(
                key,
                group: group,
                consumer: "c",
                minimumIdleTime: .zero,
                startingAt: ids[2]
            )
            #expect(sweep.entries == [])
            #expect(sweep.deletedIDs == [ids[2]])
            #expect(sweep.nextID == .zero)

            // XCLAIM hands a specific entry over.
            let handedOver = try await redis.streamClaim(
                key,
                group: group,
                consumer: "a",
                minimumIdleTime: .zero,
                ids: [ids[1]]
            )
            #expect(handedOver.map(\.id) == [ids[1]])
            #expect(try await redis.streamAcknowledge(key, group: group, ids: [ids[1]]) == 1)

            let empty = try await redis.streamPendingSummary(key, group: group)
            #expect(empty == RedisStreamPendingSummary(count: 0, lowestID: nil, highestID: nil, consumers: []))

            let groups = try await redis.streamGroups(key)
            #expect(groups.count == 1)
            #expect(groups.first?.name == group)
            #expect(groups.first?.consumerCount == 3)
            #expect(groups.first?.pendingCount == 0)
            #expect(groups.first?.lastDeliveredID == ids[2])
            #expect(groups.first?.entriesRead == 3)
            let consumers = try await redis.streamConsumers(key, group: group)
            #expect(consumers.map(\.name) == ["a", "b", "c"])
            #expect(consumers.allSatisfy { $0.pendingCount == 0 && $0.idleTime >= .zero })
            #expect(try await redis.streamDeleteConsumer(key, group: group, consumer: "b") == 0)

            try await redis.streamSetGroupPosition(key, group: group, to: .after(.zero))
            // Replayed from the start (ids[2] was deleted) without becoming pending.
            let replay = try await redis.streamReadGroup(key, group: group, consumer: "a", noAcknowledge: true)
            #expect(replay.map(\.id) == [ids[0], ids[1]])
            #expect(try await redis.streamPendingSummary(key, group: group).count == 0)

            #expect(try await redis.streamDestroyGroup(key, group: group))
            #expect(try await redis.streamDestroyGroup(key, group: group) == false)
            #expect(try await redis.streamGroups(key) == [])
            try await redis.delete(key)
        }
    }

    @Test("XREADGROUP BLOCK over several streams is woken by an entry on one of them")
    func readGroupBlocking() async throws {
        for version in CommandTestRedis.protocols {
            try await CommandTestRedis.with(version) { redis in
                let (quiet, busy) = (prefix + "\(version):quiet", prefix + "\(version):busy")
                #expect(try await redis.streamCreateGroup(quiet, group: "g", makeStream: true))
                #expect(try await redis.streamCreateGroup(busy, group: "g", makeStream: true))
                // Nothing arrives: an empty result after the block time.
                let none = try await redis.streamReadGroup(
                    [(quiet, .undelivered), (busy, .undelivered)],
                    group: "g",
                    consumer: "c",
                    block: .milliseconds(300)
                )
                #expect(none == [])
                let id = try await redis.streamAdd(busy, fields: ["f": "v"])
                let batches = try await redis.streamReadGroup(
                    [(quiet, .undelivered), (busy, .undelivered)],
                    group: "g",
                    consumer: "c",
                    count: 10,
                    block: .seconds(5)
                )
                #expect(
                    batches == [
                        RedisStreamBatch(
                            key: busy,
                            entries: [
                                RedisStreamEntry(id: id, fields: [.init(name: "f", value: ByteBuffer(string: "v"))])
                            ]
                        )
                    ]
                )
                try await redis.delete(quiet, busy)
            }
        }
    }
}
