public import NIOCore

extension RedisCommandExecutor {
    /// `PUBLISH channel message`: sends a message to every subscriber of `channel` (and of the patterns matching
    /// it) and returns how many received it.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func publish(_ channel: String, message: ByteBuffer) async throws -> Int {
        var command = RedisCommand("PUBLISH", channel)
        command.append(message)
        return try await integer(command)
    }

    /// `PUBLISH channel message` with a UTF-8 string message; returns how many subscribers received it.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func publish(_ channel: String, message: String) async throws -> Int {
        try await publish(channel, message: ByteBuffer(string: message))
    }

    /// `SPUBLISH shardChannel message` (Redis 7.0+): sends a message to the subscribers of a shard channel and
    /// returns how many received it.
    /// - Throws: ``RedisError``; ``RedisError/Code/serverError`` saying that sharded pub/sub needs Redis 7.0 when
    ///   the server does not know `SPUBLISH`.
    @discardableResult
    public func spublish(_ shardChannel: String, message: ByteBuffer) async throws -> Int {
        var command = RedisCommand("SPUBLISH", shardChannel)
        command.append(message)
        do {
            return try await integer(command)
        } catch let error as RedisError {
            throw error.clarifyingShardedPubSub(command: "SPUBLISH")
        }
    }

    /// `SPUBLISH shardChannel message` with a UTF-8 string message.
    /// - Throws: as ``spublish(_:message:)-(_,ByteBuffer)``.
    @discardableResult
    public func spublish(_ shardChannel: String, message: String) async throws -> Int {
        try await spublish(shardChannel, message: ByteBuffer(string: message))
    }
}

extension RedisError {
    /// An "unknown command" answer to a sharded pub/sub command (`SSUBSCRIBE`, `SPUBLISH`) made explicit: the
    /// server is older than Redis 7.0 (or has the command disabled). Other errors are returned unchanged.
    func clarifyingShardedPubSub(command: String) -> RedisError {
        guard command == "SSUBSCRIBE" || command == "SPUBLISH", code == .serverError, serverCode == "ERR",
            reply?.message.lowercased().contains("unknown command") == true
        else { return self }
        return RedisError(
            code: .serverError,
            message: "\(command): the server does not support sharded pub/sub (it needs Redis 7.0 or later)",
            reply: reply
        )
    }
}
