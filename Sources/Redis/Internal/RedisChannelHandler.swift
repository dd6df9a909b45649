import Logging
import NIOCore
import Synchronization

/// Commands written to a connection's channel: their encoded bytes and what their replies complete.
struct RedisRequest: Sendable {
    var bytes: ByteBuffer
    var replies: RedisReplies
    /// The time allowed for the last reply of the request (one timer per request, not per command).
    var timeout: TimeAmount?
    /// For one (un)subscribe command on a subscriber connection: the confirmations that complete its promise.
    var confirmations: Confirmations? = nil
}

/// The confirmations a `SUBSCRIBE`-like command waits for: one per name, or an error reply instead.
struct Confirmations: Sendable, Hashable {
    var kind: RedisPubSubKind
    var isSubscribe: Bool
    var remaining: Int
}

/// Matches replies to commands in order: each written command queues a promise; each reply completes the oldest.
///
/// Push messages (RESP3 `>`) are out of band and go to `onPush` instead. A protocol error, a command timeout or a
/// closed socket fails every command in flight and closes the channel: after any of them the order of replies can
/// no longer be trusted. The command whose reply broke the protocol (or timed out) gets `protocolError` (or
/// `timeout`); the others, and every later one, `connectionClosed`.
///
/// With `onPubSub` set the connection is a subscriber connection: pub/sub frames (RESP3 pushes, or RESP2 arrays,
/// which a connection in subscribed mode sends in place of replies) are taken out of the reply stream. A
/// confirmation (`subscribe`, `unsubscribe`, …) counts towards the (un)subscribe command at the head of the queue,
/// which completes when all its names are confirmed; messages and unexpected confirmations go to `onPubSub`. Other
/// replies (`PING`'s, an error refusing a `SUBSCRIBE`) are matched to commands as usual.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    fileprivate struct Pending {
        var replies: RedisReplies
        /// The slot of a batch this reply fills.
        var index: Int
        var timeout: Scheduled<Void>?
        var id: UInt64
        var confirmations: Confirmations?
    }

    private var parser: RESPParser
    private var pending = CircularBuffer<Pending>(initialCapacity: 64)
    private var nextID: UInt64 = 0
    private var failure: RedisError?
    private var context: ChannelHandlerContext?
    private let onPush: (@Sendable (RESPValue) -> Void)?
    private let onPubSub: (@Sendable (RedisPubSubFrame) -> Void)?
    private let logger: Logger
    private let closeReason: CloseReason

    /// Why a connection stopped working, readable from any thread: commands written after the channel has closed
    /// (when this handler has left the pipeline) fail with it instead of a bare "closed".
    final class CloseReason: Sendable {
        private let error = Mutex<RedisError?>(nil)

        /// The first failure recorded, if any.
        var value: RedisError? { error.withLock { $0 } }

        /// Records `failure` unless a failure is already recorded.
        func record(_ failure: RedisError) {
            error.withLock { if $0 == nil { $0 = failure } }
        }
    }

    init(
        parser: RESPParser.Configuration,
        onPush: (@Sendable (RESPValue) -> Void)?,
        onPubSub: (@Sendable (RedisPubSubFrame) -> Void)? = nil,
        logger: Logger,
        closeReason: CloseReason = CloseReason()
    ) {
        self.parser = RESPParser(configuration: parser)
        self.onPush = onPush
        self.onPubSub = onPubSub
        self.logger = logger
        self.closeReason = closeReason
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        failAll(RedisError(code: .connectionClosed, message: "the connection was closed"))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.replies.fail(failure)
            promise?.fail(failure)
            return
        }
        let count = request.replies.count
        for index in 0..<count {
            let id = nextID
            nextID &+= 1
            // Replies arrive in order, so one timer on the request's last reply bounds them all.
            var scheduled: Scheduled<Void>?
            if let timeout = request.timeout, index == count - 1 {
                scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
                    self?.timedOut(id: id, after: timeout)
                }
            }
            pending.append(
                Pending(
                    replies: request.replies,
                    index: index,
                    timeout: scheduled,
                    id: id,
                    confirmations: request.confirmations
                )
            )
        }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        parser.append(unwrapInboundIn(data))
        do throws(RedisError) {
            while let value = try parser.next() {
                if let onPubSub, let frame = RedisPubSubFrame(value) {
                    route(frame, value: value, onPubSub: onPubSub)
                    continue
                }
                if case .push = value.withoutAttributes {
                    onPush?(value)
                    continue
                }
                guard let head = pending.popFirst() else {
                    throw RedisError.protocolViolation("a reply arrived with no command waiting for it")
                }
                head.timeout?.cancel()
                head.succeed(value)
            }
        } catch {
            logger.debug("Redis protocol error", metadata: ["redis.error": "\(error)"])
            // The bytes that broke the protocol were the oldest command's reply: it gets the protocol error. The
            // others can no longer be matched to their replies.
            if let head = pending.popFirst() {
                head.timeout?.cancel()
                head.fail(error)
            }
            failAll(
                RedisError(
                    code: .connectionClosed,
                    message: "the connection was closed after a protocol error (\(error.message))"
                )
            )
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError(code: .connectionClosed, message: "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure: RedisError
        if RedisError.isUncleanTLSShutdown(error) {
            failure = RedisError(
                code: .connectionClosed,
                message: "the server closed the connection",
                underlying: error
            )
        } else if RedisError.isTLSError(error) {
            let remote = context.channel.remoteAddress
            let address = remote?.ipAddress.map { "\($0):\(remote?.port ?? 0)" }
            failure = .tls(error, address: address, duringHandshake: false)
        } else {
            failure = RedisError(code: .connectionFailed, message: "the connection failed: \(error)", underlying: error)
        }
        logger.debug("Redis connection error", metadata: ["redis.error": "\(failure)"])
        failAll(failure)
        context.close(promise: nil)
    }

    /// Counts a confirmation towards the (un)subscribe command at the head of the queue, or hands the frame on.
    private func route(
        _ frame: RedisPubSubFrame,
        value: RESPValue,
        onPubSub: @Sendable (RedisPubSubFrame) -> Void
    ) {
        guard case .confirmation(let kind, let isSubscribe, _) = frame,
            var head = pending.first, var expected = head.confirmations,
            expected.kind == kind, expected.isSubscribe == isSubscribe
        else {
            onPubSub(frame)
            return
        }
        expected.remaining -= 1
        if expected.remaining > 0 {
            head.confirmations = expected
            pending[pending.startIndex] = head
            return
        }
        pending.removeFirst()
        head.timeout?.cancel()
        head.succeed(value)
    }

    /// The request whose last reply is `id` ran out of time: the oldest command still waiting (the one the server
    /// is late with) fails with `timeout`, every other with `connectionClosed`.
    private func timedOut(id: UInt64, after timeout: TimeAmount) {
        guard pending.contains(where: { $0.id == id }), let expired = pending.popFirst() else { return }
        let milliseconds = timeout.nanoseconds / 1_000_000
        expired.timeout?.cancel()
        expired.fail(RedisError(code: .timeout, message: "no reply within \(milliseconds) ms"))
        failAll(
            RedisError(code: .connectionClosed, message: "the connection was closed after a command timed out")
        )
        context?.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        if failure == nil {
            failure = error
            closeReason.record(error)
        }
        while let head = pending.popFirst() {
            head.timeout?.cancel()
            head.fail(error)
        }
    }
}

extension RedisChannelHandler.Pending {
    func succeed(_ value: RESPValue) {
        switch replies {
        case .one(let promise): promise.succeed(value)
        case .batch(let batch): batch.record(.success(value), at: index)
        }
    }

    func fail(_ error: RedisError) {
        switch replies {
        case .one(let promise): promise.fail(error)
        case .batch(let batch): batch.record(.failure(error), at: index)
        }
    }
}
