import NIOCore

extension RedisConnection {
    /// Writes a `SUBSCRIBE`-like command (or its `UNSUBSCRIBE`) for `names` on a subscriber connection; the future
    /// succeeds once the server confirmed every name, and fails with ``RedisError/Code/serverError`` when the server
    /// refuses the command (an unknown command, `NOPERM`), or as a command does when the connection fails.
    ///
    /// The write is queued on the event loop even when called from it: calls keep their order, and no callback ever
    /// runs inside the caller (which may hold a lock).
    func subscription(_ kind: RedisPubSubKind, subscribe: Bool, names: [String]) -> EventLoopFuture<Void> {
        precondition(isSubscriber && !names.isEmpty, "a subscription command needs a subscriber connection and names")
        let command = RedisCommand(subscribe ? kind.subscribeCommand : kind.unsubscribeCommand, names)
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        var bytes = channel.allocator.buffer(capacity: command.encodedLength)
        command.encode(into: &bytes)
        let request = RedisRequest(
            bytes: bytes,
            replies: .one(promise),
            timeout: timeAmount(nil),
            confirmations: Confirmations(kind: kind, isSubscribe: subscribe, remaining: names.count)
        )
        channel.eventLoop.execute { self.write(request) }
        let name = command.name
        return promise.futureResult.flatMapThrowing { reply in
            if case .error(let error) = reply.withoutAttributes { throw RedisError.server(error, command: name) }
            guard RedisPubSubFrame(reply) != nil else { throw RedisError.unexpected(reply, command: name) }
        }
    }

    /// Returns when the connection is closed; cancelling the waiting task closes it.
    func waitForClose() async {
        let channel = self.channel
        await withTaskCancellationHandler {
            try? await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}
