public import NIOCore

extension RedisCommandExecutor {
    /// `LPUSH key value …` or `RPUSH key value …`: pushes the values one after the other onto one end of the list
    /// (creating it); the list's length afterwards.
    ///
    /// Pushing `a, b` on the left leaves `b, a` at the head. A queue pushes on one end and pops from the other.
    /// - Throws: ``RedisError`` (`WRONGTYPE` for a key that is not a list).
    @discardableResult
    public func listPush<Value: RedisArgumentConvertible>(
        _ key: String,
        _ values: [Value],
        to end: RedisListEnd
    ) async throws -> Int {
        var command = RedisCommand(end.letter + "PUSH", key)
        for value in values { command.append(argument: value) }
        return try await integer(command)
    }

    /// `LPOP key` or `RPOP key`: removes and returns the element at one end; `nil` when the list is empty or missing.
    /// - Throws: ``RedisError``.
    public func listPop(_ key: String, from end: RedisListEnd) async throws -> ByteBuffer? {
        let name = end.letter + "POP"
        let reply = try await send(RedisCommand(name, key))
        if reply.isNull { return nil }
        guard let value = reply.bytes else { throw RedisError.unexpected(reply, command: name) }
        return value
    }

    /// `LPOP key count` or `RPOP key count`: removes and returns up to `count` elements from one end, in the order
    /// they were popped; empty when the list is missing.
    /// - Throws: ``RedisError``.
    public func listPop(_ key: String, from end: RedisListEnd, count: Int) async throws -> [ByteBuffer] {
        let name = end.letter + "POP"
        let reply = try await send(RedisCommand(name, key, String(count)))
        guard let values = reply.byteStrings else { throw RedisError.unexpected(reply, command: name) }
        return values
    }

    /// `BLPOP key … timeout` or `BRPOP`: pops from the first non-empty list, waiting up to `timeout` for an element
    /// to arrive; the list it came from and the element, or `nil` when the time ran out.
    ///
    /// The command holds its connection (on a pool: one leased connection) while it waits. It is sent with its own
    /// client-side timeout, `timeout` plus a margin, so the connection's command timeout does not cut it short. To
    /// wait indefinitely, loop: a finite wait lets a lost connection or a shutdown be noticed.
    /// - Parameters:
    ///   - keys: The lists, tried in order.
    ///   - end: Which end to pop from.
    ///   - timeout: How long to wait (positive; rounded up to a millisecond).
    /// - Throws: ``RedisError``.
    public func blockingListPop(
        _ keys: [String],
        from end: RedisListEnd,
        timeout: Duration
    ) async throws -> (key: String, value: ByteBuffer)? {
        let name = "B" + end.letter + "POP"
        let block = RedisBlockingTimeout(timeout)
        let reply = try await send(RedisCommand(name, keys + [block.secondsArgument]), timeout: block.commandTimeout)
        if reply.isNull { return nil }
        guard let elements = reply.elements, elements.count == 2, let key = elements[0].string,
            let value = elements[1].bytes
        else { throw RedisError.unexpected(reply, command: name) }
        return (key, value)
    }

    /// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`: atomically pops an element from one end of `source` and
    /// pushes it onto one end of `destination` (a reliable queue moves a job into a "processing" list); the element,
    /// or `nil` when `source` is empty.
    /// - Throws: ``RedisError``.
    public func listMove(
        from source: String,
        _ sourceEnd: RedisListEnd,
        to destination: String,
        _ destinationEnd: RedisListEnd
    ) async throws -> ByteBuffer? {
        let reply = try await send(
            RedisCommand("LMOVE", source, destination, sourceEnd.description, destinationEnd.description)
        )
        if reply.isNull { return nil }
        guard let value = reply.bytes else { throw RedisError.unexpected(reply, command: "LMOVE") }
        return value
    }

    /// `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout`: as ``listMove(from:_:to:_:)``, waiting up to
    /// `timeout` for `source` to get an element; `nil` when the time ran out.
    ///
    /// The command holds its connection (on a pool: one leased connection) while it waits, with its own client-side
    /// timeout of `timeout` plus a margin.
    /// - Throws: ``RedisError``.
    public func blockingListMove(
        from source: String,
        _ sourceEnd: RedisListEnd,
        to destination: String,
        _ destinationEnd: RedisListEnd,
        timeout: Duration
    ) async throws -> ByteBuffer? {
        let block = RedisBlockingTimeout(timeout)
        let command = RedisCommand(
            "BLMOVE",
            source,
            destination,
            sourceEnd.description,
            destinationEnd.description,
            block.secondsArgument
        )
        let reply = try await send(command, timeout: block.commandTimeout)
        if reply.isNull { return nil }
        guard let value = reply.bytes else { throw RedisError.unexpected(reply, command: "BLMOVE") }
        return value
    }

    /// `LRANGE key start stop`: the elements from index `start` to `stop`, both included (negative indexes count
    /// from the end: -1 is the last); empty when the key does not exist.
    /// - Throws: ``RedisError``.
    public func listRange(_ key: String, from start: Int = 0, to stop: Int = -1) async throws -> [ByteBuffer] {
        let reply = try await send(RedisCommand("LRANGE", key, String(start), String(stop)))
        guard let values = reply.byteStrings else { throw RedisError.unexpected(reply, command: "LRANGE") }
        return values
    }

    /// `LLEN key`: the list's length; 0 when the key does not exist.
    /// - Throws: ``RedisError``.
    public func listLength(_ key: String) async throws -> Int {
        try await integer(RedisCommand("LLEN", key))
    }

    /// `LREM key count value`: removes elements equal to `value`; how many were removed.
    /// - Parameters:
    ///   - count: 0 removes every match; a positive count removes that many from the head, a negative one from
    ///     the tail.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func listRemove(_ key: String, _ value: some RedisArgumentConvertible, count: Int = 0) async throws -> Int {
        var command = RedisCommand("LREM", key, String(count))
        command.append(argument: value)
        return try await integer(command)
    }

    /// `LTRIM key start stop`: keeps only the elements from index `start` to `stop` (a capped list keeps `0…n-1`).
    /// - Throws: ``RedisError``.
    public func listTrim(_ key: String, from start: Int, to stop: Int) async throws {
        let reply = try await send(RedisCommand("LTRIM", key, String(start), String(stop)))
        guard reply.string == "OK" else { throw RedisError.unexpected(reply, command: "LTRIM") }
    }
}
