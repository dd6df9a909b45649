import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy on 127.0.0.1 that can black-hole its connections, as a NAT that forgot them does: after
/// ``blackHole()``, the connections it carries stop passing bytes in either direction, with no FIN and no RST,
/// while connections made afterwards pass again. It lets a test put a real server behind a silent drop.
public final class BlackHoleProxy: Sendable {
    /// The port to connect to instead of the target's.
    public let port: Int
    let server: any Channel
    let carried: NIOLockedValueBox<[ObjectIdentifier: Relay]>

    /// Starts a proxy to `host:port`.
    /// - Throws: When it cannot listen.
    public init(to host: String, port targetPort: Int) async throws {
        let carried = NIOLockedValueBox<[ObjectIdentifier: Relay]>([:])
        let group = MultiThreadedEventLoopGroup.singleton
        server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                let relay = Relay()
                carried.withLockedValue { $0[ObjectIdentifier(relay)] = relay }
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.pipeline.addHandler(RelayHandler(relay: relay, peer: inbound))
                    }
                    .connect(host: host, port: targetPort)
                    .flatMap { outbound in
                        inbound.pipeline.addHandler(RelayHandler(relay: relay, peer: outbound)).map {
                            inbound.read()
                        }
                    }
                    .flatMapError { error in
                        inbound.close(promise: nil)
                        return inbound.eventLoop.makeFailedFuture(error)
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = server.localAddress?.port ?? 0
        self.carried = carried
    }

    /// Makes every connection carried now drop what it is sent, silently, for good.
    public func blackHole() {
        for relay in carried.withLockedValue({ $0.values }) { relay.silent.withLockedValue { $0 = true } }
    }

    /// Stops listening and closes every carried connection.
    public func close() async {
        try? await server.close()
    }

    /// Whether one proxied connection still passes bytes.
    final class Relay: Sendable {
        let silent = NIOLockedValueBox(false)
    }

    /// Passes what one side reads to the other, unless the relay went silent.
    final class RelayHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        let relay: Relay
        let peer: any Channel

        init(relay: Relay, peer: any Channel) {
            self.relay = relay
            self.peer = peer
        }

        func channelActive(context: ChannelHandlerContext) {
            context.read()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if !relay.silent.withLockedValue({ $0 }) {
                peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
            }
            context.read()
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !relay.silent.withLockedValue({ $0 }) { peer.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
