import NIOCore
import Testing

@testable import Redis

@Suite("A subscription's bounded buffer")
struct RedisSubscriptionBufferTests {
    typealias Event = RedisSubscription.Event

    static func message(_ index: Int) -> RedisPubSubMessage {
        RedisPubSubMessage(channel: "c", payload: ByteBuffer(string: "m\(index)"))
    }

    static func drain(_ buffer: inout RedisSubscriptionBuffer) -> [Event] {
        var events: [Event] = []
        for _ in 0..<10_000 {
            guard let event = buffer.next() else { break }
            events.append(event)
        }
        return events
    }

    @Test("below the limit every message comes out, in order")
    func inOrder() {
        var buffer = RedisSubscriptionBuffer(policy: .dropOldest(limit: 5))
        for index in 0..<5 { buffer.append(Self.message(index)) }
        #expect(Self.drain(&buffer) == (0..<5).map { .message(Self.message($0)) })
        #expect(buffer.isEmpty)
        #expect(buffer.totalDropped == 0)
    }

    @Test("drop-oldest keeps the newest messages and reports the gap before them")
    func dropOldest() {
        var buffer = RedisSubscriptionBuffer(policy: .dropOldest(limit: 3))
        #expect(buffer.append(Self.message(0)) == false)
        for index in 1..<3 { buffer.append(Self.message(index)) }
        #expect(buffer.append(Self.message(3)) == true, "the first drop is reported")
        for index in 4..<10 { #expect(buffer.append(Self.message(index)) == false) }
        #expect(buffer.messageCount == 3)
        #expect(buffer.totalDropped == 7)
        #expect(Self.drain(&buffer) == [.messagesDropped(7)] + (7..<10).map { .message(Self.message($0)) })
        // After the gap was reported, a new overflow is reported again.
        for index in 10..<14 { buffer.append(Self.message(index)) }
        #expect(Self.drain(&buffer) == [.messagesDropped(1)] + (11..<14).map { .message(Self.message($0)) })
    }

    @Test("drop-newest keeps the oldest messages and reports the gap after them")
    func dropNewest() {
        var buffer = RedisSubscriptionBuffer(policy: .dropNewest(limit: 3))
        for index in 0..<10 { buffer.append(Self.message(index)) }
        #expect(buffer.messageCount == 3)
        #expect(buffer.next() == .message(Self.message(0)))
        buffer.append(Self.message(10))
        #expect(
            Self.drain(&buffer) == [
                .message(Self.message(1)), .message(Self.message(2)), .messagesDropped(7), .message(Self.message(10)),
            ]
        )
        for index in 11..<15 { buffer.append(Self.message(index)) }
        #expect(
            Self.drain(&buffer) == (11..<14).map { .message(Self.message($0)) } + [.messagesDropped(1)],
            "a gap at the end is reported once the consumer reaches it"
        )
        #expect(buffer.isEmpty)
    }

    @Test("reconnection markers are never dropped, and consecutive ones merge")
    func markers() {
        var buffer = RedisSubscriptionBuffer(policy: .dropOldest(limit: 2))
        buffer.append(Self.message(0))
        buffer.appendReconnected()
        buffer.appendReconnected()
        buffer.append(Self.message(1))
        buffer.append(Self.message(2))  // drops 0, before the marker
        #expect(
            Self.drain(&buffer) == [
                .messagesDropped(1), .reconnected, .message(Self.message(1)), .message(Self.message(2)),
            ]
        )

        // marker, message, marker, message: dropping the first message leaves two markers side by side: one stays.
        buffer.appendReconnected()
        buffer.append(Self.message(3))
        buffer.appendReconnected()
        buffer.append(Self.message(4))
        buffer.append(Self.message(5))  // drops 3
        #expect(
            Self.drain(&buffer) == [
                .messagesDropped(1), .reconnected, .message(Self.message(4)), .message(Self.message(5)),
            ]
        )
    }

    @Test("memory stays bounded whatever arrives: at most limit messages and limit + 1 markers")
    func bounded() {
        for policy in [RedisSubscription.BufferPolicy.dropOldest(limit: 4), .dropNewest(limit: 4)] {
            var buffer = RedisSubscriptionBuffer(policy: policy)
            var random = SeededGenerator(seed: 7)
            var appended = 0
            for _ in 0..<20_000 {
                if random.next() % 5 == 0 {
                    buffer.appendReconnected()
                } else {
                    buffer.append(Self.message(appended))
                    appended += 1
                }
                #expect(buffer.messageCount <= 4)
            }
            let events = Self.drain(&buffer)
            #expect(events.count <= 4 + 5 + 10)  // messages, markers, a gap before each entry and one at the tail
            var messages = 0
            var dropped = 0
            for event in events {
                switch event {
                case .message: messages += 1
                case .messagesDropped(let count): dropped += count
                case .reconnected: break
                }
            }
            // Every message is either delivered or counted as dropped.
            #expect(messages + dropped == appended)
            #expect(buffer.isEmpty)
        }
    }
}
