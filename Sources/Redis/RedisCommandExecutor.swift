public import NIOCore

/// Anything that can run a Redis command and return its reply: a ``RedisConnection``, or a pool that leases one.
///
/// Every typed command (`get`, `set`, `hashGetAll`, `sortedSetAdd`, `streamReadGroup`, `evaluate`, …) is written
/// once, as an extension of this protocol, so it works the same on a single connection and on a pool.
public protocol RedisCommandExecutor: Sendable {
    /// Sends one command and returns its reply.
    /// - Parameters:
    ///   - command: The command.
    ///   - timeout: This command's timeout; the executor's default when `nil`.
    /// - Throws: ``RedisError``: ``RedisError/Code/serverError`` for an error reply, ``RedisError/Code/timeout``,
    ///   ``RedisError/Code/connectionClosed``, ``RedisError/Code/connectionFailed``,
    ///   ``RedisError/Code/protocolError``.
    func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue
}

extension RedisCommandExecutor {
    /// Sends one command with the default timeout.
    /// - Throws: as ``send(_:timeout:)``.
    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RESPValue {
        try await send(command, timeout: nil)
    }

    /// Sends one command given as strings (`["SET", "key", "value"]`) and returns its reply.
    /// - Throws: as ``send(_:timeout:)``.
    @discardableResult
    public func send(_ arguments: [String], timeout: Duration? = nil) async throws -> RESPValue {
        try await send(RedisCommand(arguments: arguments), timeout: timeout)
    }

    /// Sends one command given as bytes and returns its reply.
    /// - Throws: as ``send(_:timeout:)``.
    @discardableResult
    public func send(_ arguments: [ByteBuffer], timeout: Duration? = nil) async throws -> RESPValue {
        try await send(RedisCommand(arguments: arguments), timeout: timeout)
    }

    /// Sends a command and reads its integer reply.
    func integer(_ command: RedisCommand) async throws -> Int {
        let reply = try await send(command)
        guard let value = reply.integer, let result = Int(exactly: value) else {
            throw RedisError.unexpected(reply, command: command.name)
        }
        return result
    }
}
