import NIOCore
import Testing

@testable import Redis

@Suite("Pub/sub frames")
struct RedisPubSubFrameTests {
    static func bulk(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }

    @Test("messages and confirmations read the same from RESP3 pushes and RESP2 arrays")
    func shapes() {
        for wrap in [RESPValue.push, RESPValue.array] {
            #expect(
                RedisPubSubFrame(wrap([Self.bulk("message"), Self.bulk("c"), Self.bulk("p")]))
                    == .message(.channel, RedisPubSubMessage(channel: "c", payload: ByteBuffer(string: "p")))
            )
            #expect(
                RedisPubSubFrame(wrap([Self.bulk("pmessage"), Self.bulk("c.*"), Self.bulk("c.1"), Self.bulk("p")]))
                    == .message(
                        .pattern,
                        RedisPubSubMessage(channel: "c.1", payload: ByteBuffer(string: "p"), pattern: "c.*")
                    )
            )
            #expect(
                RedisPubSubFrame(wrap([Self.bulk("smessage"), Self.bulk("s"), Self.bulk("")]))
                    == .message(.shardChannel, RedisPubSubMessage(channel: "s", payload: ByteBuffer()))
            )
            let confirmations: [(String, RedisPubSubKind, Bool)] = [
                ("subscribe", .channel, true), ("psubscribe", .pattern, true), ("ssubscribe", .shardChannel, true),
                ("unsubscribe", .channel, false), ("punsubscribe", .pattern, false),
                ("sunsubscribe", .shardChannel, false),
            ]
            for (word, kind, isSubscribe) in confirmations {
                #expect(
                    RedisPubSubFrame(wrap([Self.bulk(word), Self.bulk("n"), .integer(1)]))
                        == .confirmation(kind, isSubscribe: isSubscribe, name: "n")
                )
            }
            #expect(
                RedisPubSubFrame(wrap([Self.bulk("unsubscribe"), .nullBulkString, .integer(0)]))
                    == .confirmation(.channel, isSubscribe: false, name: nil)
            )
        }
    }

    @Test("replies that are not frames stay replies")
    func notFrames() {
        let values: [RESPValue] = [
            .array([Self.bulk("pong"), Self.bulk("")]),  // PING in RESP2 subscribed mode
            .simpleString("PONG"),
            .array([Self.bulk("message"), Self.bulk("c")]),  // too short
            .array([Self.bulk("message"), Self.bulk("c"), .integer(1)]),  // payload not a bulk string
            .array([Self.bulk("subscribe"), Self.bulk("c"), Self.bulk("1")]),  // count not an integer
            .push([Self.bulk("invalidate"), .array([Self.bulk("k")])]),
            .array([Self.bulk("messages"), Self.bulk("c"), Self.bulk("p")]),
            .error(.init(parsing: "ERR unknown command 'SSUBSCRIBE'")),
        ]
        for value in values { #expect(RedisPubSubFrame(value) == nil, "\(value)") }
    }
}
