public import NIOCore
public import NIOHTTPTypes

/// Closes a connection whose client does not deliver a complete request head in time (a slowloris client that
/// trickles header bytes never trips the idle timeout). The clock starts when the connection opens and again
/// after each response, and stops when a request head arrives.
public final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    var timer: Scheduled<Void>?

    /// Creates the handler with the time a client has to send a complete request head.
    public init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context: context) }
        context.write(data, promise: promise)
    }

    private func arm(context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }
}

extension RequestHeadTimeoutHandler: @unchecked Sendable {}
// @unchecked Sendable: NIO requires handlers to be Sendable to be created in a @Sendable factory closure; every
// access to `timer` happens on the channel's event loop (handler callbacks and the scheduled task both run there).
