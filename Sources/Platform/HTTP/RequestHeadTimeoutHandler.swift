public import NIOCore
public import NIOHTTPTypes

/// Closes a connection whose client is too slow: one that does not deliver a complete request head within
/// `timeout` (a slowloris client trickling header bytes; an idle keep-alive connection), or, with `idleTimeout`, that
/// pauses longer than that while sending a request's body. The head clock starts when the connection opens and again
/// after each response (and after requests ``EdgeChannelHandler`` answered, told by its
/// ``EdgeChannelHandler/AnsweredEvent``), and stops when a request head arrives; while the server works on a request
/// no clock runs. One timer per connection is rescheduled lazily, so a busy keep-alive connection does not pay for a
/// timer per request.
public final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    let idleTimeout: TimeAmount?
    /// When the client must have sent what is waited for (the next head, or the next part of a body); `nil` while
    /// the server is working on a request.
    var deadline: NIODeadline?
    /// At most one timer per connection: it is rescheduled lazily instead of once per request.
    var timer: Scheduled<Void>?
    /// When `timer` fires.
    var timerAt: NIODeadline?

    /// Creates the handler with the time a client has to send a complete request head, and the longest pause it may
    /// make while sending a body (`nil`: none enforced here).
    public init(timeout: TimeAmount, idleTimeout: TimeAmount? = nil) {
        self.timeout = timeout
        self.idleTimeout = idleTimeout
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
        switch unwrapInboundIn(data) {
        case .head, .body:
            // Reading a request: with an idle timeout, the body's next part must come within it.
            if let idleTimeout {
                wait(until: context.eventLoop.now + idleTimeout, context: context)
            } else {
                deadline = nil
            }
        case .end:
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Requests answered below without reaching this handler: the next head is waited for from now.
        if event is EdgeChannelHandler.AnsweredEvent {
            startWaiting(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { startWaiting(context: context) }
        context.write(data, promise: promise)
    }

    private func startWaiting(context: ChannelHandlerContext) {
        wait(until: context.eventLoop.now + timeout, context: context)
    }

    private func wait(until time: NIODeadline, context: ChannelHandlerContext) {
        deadline = time
        // A later deadline waits for the timer already set (it re-arms itself); an earlier one (a body's idle
        // timeout after the head timeout) needs the timer moved forward.
        if let timerAt, timer != nil, timerAt <= time { return }
        timer?.cancel()
        schedule(at: time, context: context)
    }

    private func schedule(at time: NIODeadline, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timerAt = time
        timer = context.eventLoop.scheduleTask(deadline: time) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.timerAt = nil
            guard let deadline = handler.deadline else { return }  // a request is in progress: re-armed after it
            if deadline <= context.eventLoop.now {
                context.close(promise: nil)
            } else {
                handler.schedule(at: deadline, context: context)
            }
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        timerAt = nil
        deadline = nil
    }
}

extension RequestHeadTimeoutHandler: @unchecked Sendable {}
// @unchecked Sendable: NIO requires handlers to be Sendable to be created in a @Sendable factory closure; every
// access to `timer` happens on the channel's event loop (handler callbacks and the scheduled task both run there).
