import Logging
import NIOCore

/// The handler of a connection subscribed to a sentinel's events (RESP2): decodes every value into `values`, gives
/// the handshake `handshakeTimeout` to reach the subscription's confirmation, and then checks the sentinel's health:
/// after a read-idle event (from an `IdleStateHandler` in front of it) it sends `PING`; after a second one with
/// nothing read in between, it closes the connection.
///
/// The stream ends (with an error) when the connection closes, fails or breaks the protocol; closing the connection
/// is the reader's way to stop it.
final class SentinelSubscriptionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser: RESPParser
    private let values: AsyncThrowingStream<RESPValue, any Error>.Continuation
    private let handshakeTimeout: TimeAmount
    private let logger: Logger
    private var handshakeDeadline: Scheduled<Void>?
    private var isSubscribed = false
    private var isPingOutstanding = false
    private var isFinished = false

    init(
        parser: RESPParser.Configuration,
        values: AsyncThrowingStream<RESPValue, any Error>.Continuation,
        handshakeTimeout: TimeAmount,
        logger: Logger
    ) {
        self.parser = RESPParser(configuration: parser)
        self.values = values
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let timeout = handshakeTimeout
        handshakeDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, !self.isSubscribed else { return }
            let milliseconds = timeout.nanoseconds / 1_000_000
            self.finish(
                RedisError(
                    code: .timeout,
                    message: "the sentinel did not confirm the subscription within \(milliseconds) ms"
                ),
                closing: context
            )
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        handshakeDeadline?.cancel()
        finish(RedisError(code: .connectionClosed, message: "the sentinel connection was closed"), closing: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isFinished else { return }
        parser.append(unwrapInboundIn(data))
        isPingOutstanding = false
        do throws(RedisError) {
            while let value = try parser.next() {
                if !isSubscribed, value.elements?.first?.string?.lowercased() == "subscribe" {
                    isSubscribed = true
                    handshakeDeadline?.cancel()
                }
                values.yield(value)
            }
        } catch {
            finish(error, closing: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Before the confirmation, the handshake deadline is in charge.
        guard isSubscribed, !isFinished else { return }
        if isPingOutstanding {
            finish(RedisError(code: .timeout, message: "the sentinel did not answer PING"), closing: context)
            return
        }
        isPingOutstanding = true
        let ping = RedisCommand("PING")
        var bytes = context.channel.allocator.buffer(capacity: ping.encodedLength)
        ping.encode(into: &bytes)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(RedisError(code: .connectionClosed, message: "the sentinel closed the connection"), closing: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(
            RedisError(code: .connectionFailed, message: "the sentinel connection failed", underlying: error),
            closing: context
        )
    }

    /// Ends the stream with `error` (once) and closes the connection when a context is given.
    private func finish(_ error: RedisError, closing context: ChannelHandlerContext?) {
        guard !isFinished else { return }
        isFinished = true
        handshakeDeadline?.cancel()
        logger.debug("Redis sentinel subscription ended", metadata: ["redis.error": "\(error)"])
        values.finish(throwing: error)
        context?.close(promise: nil)
    }
}
