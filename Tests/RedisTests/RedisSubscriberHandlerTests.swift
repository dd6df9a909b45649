import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Redis

/// The channel handler in subscriber mode, fed exact bytes: how frames and replies are told apart.
@Suite("A subscriber connection's channel handler")
struct RedisSubscriberHandlerTests {
    final class Frames: Sendable {
        let values = Mutex<[RedisPubSubFrame]>([])
    }

    final class Outcome: Sendable {
        let value = Mutex<Result<RESPValue, any Error>?>(nil)
        var reply: RESPValue? { value.withLock { try? $0?.get() } }
        var isDone: Bool { value.withLock { $0 != nil } }
    }

    static func channel(_ frames: Frames) throws -> EmbeddedChannel {
        let handler = RedisChannelHandler(
            parser: RESPParser.Configuration(),
            onPush: nil,
            onPubSub: { frame in frames.values.withLock { $0.append(frame) } },
            logger: .test
        )
        let channel = EmbeddedChannel(handler: handler)
        channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 6379), promise: nil)
        #expect(channel.isActive)
        return channel
    }

    /// Writes a request expecting one reply (or `confirmations`) and returns where its outcome lands.
    static func request(
        _ channel: EmbeddedChannel,
        _ confirmations: Confirmations? = nil
    ) throws -> Outcome {
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        let outcome = Outcome()
        promise.futureResult.whenComplete { result in outcome.value.withLock { $0 = result } }
        try channel.writeOutbound(
            RedisRequest(bytes: ByteBuffer(), replies: .one(promise), timeout: nil, confirmations: confirmations)
        )
        return outcome
    }

    static func feed(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    static func message(_ channel: String, _ payload: String) -> RedisPubSubFrame {
        .message(.channel, RedisPubSubMessage(channel: channel, payload: ByteBuffer(string: payload)))
    }

    @Test("RESP2: confirmations complete their command, messages and PING replies interleave correctly")
    func resp2() throws {
        let frames = Frames()
        let channel = try Self.channel(frames)
        defer { _ = try? channel.finish() }
        let subscribe = try Self.request(channel, Confirmations(kind: .channel, isSubscribe: true, remaining: 2))
        let ping = try Self.request(channel)

        try Self.feed(channel, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhel")
        #expect(!subscribe.isDone, "one of two names confirmed")
        try Self.feed(channel, "lo\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
        #expect(subscribe.reply?.elements?.first?.string == "subscribe")
        #expect(!ping.isDone)
        try Self.feed(channel, "*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$1\r\nx\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(ping.reply == .array([.bulkString(ByteBuffer(string: "pong")), .bulkString(ByteBuffer())]))
        #expect(frames.values.withLock { $0 } == [Self.message("a", "hello"), Self.message("b", "x")])

        // An error reply ends a subscription command; a confirmation nobody waits for goes to onPubSub.
        let refused = try Self.request(channel, Confirmations(kind: .shardChannel, isSubscribe: true, remaining: 1))
        try Self.feed(channel, "-ERR unknown command 'SSUBSCRIBE'\r\n*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n")
        #expect(refused.reply == .error(RESPValue.ErrorReply(parsing: "ERR unknown command 'SSUBSCRIBE'")))
        #expect(
            frames.values.withLock { $0.last } == .confirmation(.shardChannel, isSubscribe: false, name: "s")
        )
        #expect(channel.isActive)
    }

    @Test("RESP3: pushes are frames; a confirmation of another kind does not complete a command")
    func resp3() throws {
        let frames = Frames()
        let channel = try Self.channel(frames)
        defer { _ = try? channel.finish() }
        let psubscribe = try Self.request(channel, Confirmations(kind: .pattern, isSubscribe: true, remaining: 1))
        try Self.feed(channel, ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        #expect(!psubscribe.isDone)
        try Self.feed(
            channel,
            ">3\r\n$10\r\npsubscribe\r\n$3\r\nn.*\r\n:2\r\n>4\r\n$8\r\npmessage\r\n$3\r\nn.*\r\n$3\r\nn.1\r\n$1\r\np\r\n+PONG\r\n"
        )
        #expect(psubscribe.isDone)
        #expect(
            frames.values.withLock { $0 } == [
                .confirmation(.channel, isSubscribe: true, name: "c"),
                .message(
                    .pattern,
                    RedisPubSubMessage(channel: "n.1", payload: ByteBuffer(string: "p"), pattern: "n.*")
                ),
            ]
        )
        // A reply with no command waiting is a protocol error: the connection closes.
        #expect(!channel.isActive)
    }
}
