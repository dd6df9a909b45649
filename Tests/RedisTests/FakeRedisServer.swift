import NIOCore
import NIOPosix
import Synchronization

/// A TCP server on 127.0.0.1 that plays a broken Redis: it answers the first bytes of each connection with fixed
/// bytes (or never answers), so tests can show what the client does with hostile replies over a real socket.
final class FakeRedisServer: Sendable {
    /// What the server does with a connection.
    enum Behaviour: Sendable {
        /// Sends these bytes once the first bytes arrive, then reads and ignores everything.
        case reply(String)
        /// Accepts, reads and ignores everything, and never answers.
        case silent
    }

    let port: Int
    private let channel: any Channel
    private let activity: Activity

    private init(channel: any Channel, port: Int, activity: Activity) {
        self.channel = channel
        self.port = port
        self.activity = activity
    }

    /// Starts a server on a free port of 127.0.0.1.
    static func start(_ behaviour: Behaviour) async throws -> FakeRedisServer {
        let activity = Activity()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Handler(behaviour: behaviour, activity: activity))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw FakeServerError()
        }
        return FakeRedisServer(channel: channel, port: port, activity: activity)
    }

    /// How many client connections have been closed (by the client or the server).
    var closedConnections: Int { activity.state.withLock { $0.closedConnections } }

    /// How many bytes clients have sent.
    var receivedBytes: Int { activity.state.withLock { $0.receivedBytes } }

    /// Closes the listening socket and every connection.
    func stop() async {
        let connections = activity.state.withLock { $0.connections }
        for connection in connections { try? await connection.close() }
        try? await channel.close()
    }

    /// What happened on the server's connections; written on their event loops, read by the test.
    private final class Activity: Sendable {
        struct State {
            var connections: [any Channel] = []
            var closedConnections = 0
            var receivedBytes = 0
        }
        let state = Mutex(State())
    }

    private struct FakeServerError: Error {}

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let behaviour: Behaviour
        private let activity: Activity
        private var answered = false

        init(behaviour: Behaviour, activity: Activity) {
            self.behaviour = behaviour
            self.activity = activity
        }

        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            activity.state.withLock { $0.connections.append(channel) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let count = unwrapInboundIn(data).readableBytes
            activity.state.withLock { $0.receivedBytes += count }
            guard !answered, case .reply(let text) = behaviour else { return }
            answered = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            activity.state.withLock { $0.closedConnections += 1 }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
