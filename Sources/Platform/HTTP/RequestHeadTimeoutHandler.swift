public import NIOCore
public import NIOHTTPTypes

/// Closes a connection whose client does not deliver a complete request head in time (a slowloris client that
/// trickles header bytes never trips the idle timeout). The clock starts when the connection opens and again
/// after each response, and stops when a request head arrives. One timer per connection is rescheduled lazily,
/// so a busy keep-alive connection does not pay for a timer per request.
public final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    /// When the head being waited for must have arrived; `nil` while a request is being handled.
    var deadline: NIODeadline?
    /// At most one timer per connection: it is rescheduled lazily instead of once per request.
    var timer: Scheduled<Void>?

    /// Creates the handler with the time a client has to send a complete request head.
    public init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startWaiting(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        startWaiting(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { deadline = nil }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { startWaiting(context: context) }
        context.write(data, promise: promise)
    }

    private func startWaiting(context: ChannelHandlerContext) {
        deadline = .now() + timeout
        if timer == nil { schedule(at: deadline!, context: context) }
    }

    private func schedule(at time: NIODeadline, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: time) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard let deadline = handler.deadline else { return }  // a request is in progress: re-armed after it
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                handler.schedule(at: deadline, context: context)
            }
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}

extension RequestHeadTimeoutHandler: @unchecked Sendable {}
// @unchecked Sendable: NIO requires handlers to be Sendable to be created in a @Sendable factory closure; every
// access to `timer` happens on the channel's event loop (handler callbacks and the scheduled task both run there).
