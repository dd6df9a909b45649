extension RedisCommandExecutor {
    /// `XADD key [MAXLEN|MINID …] id|* field value …`: appends an entry; its ID.
    /// - Parameters:
    ///   - key: The stream (created when missing).
    ///   - id: The entry's ID; `nil` (`*`) lets the server make one from its clock. An explicit ID must be greater
    ///     than the stream's last one.
    ///   - fields: The entry's fields, in order (at least one).
    ///   - trim: Caps the stream in the same command.
    /// - Throws: ``RedisError`` (`ERR` for an ID that is not greater than the last one, `WRONGTYPE`).
    @discardableResult
    public func streamAdd<Value: RedisArgumentConvertible>(
        _ key: String,
        id: RedisStreamID? = nil,
        fields: KeyValuePairs<String, Value>,
        trim: RedisStreamTrim? = nil
    ) async throws -> RedisStreamID {
        try await streamAdd(key, id: id, fields: Array(fields), trim: trim)
    }

    /// `XADD` with fields built at run time: an array of `(name, value)`, in order.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamAdd<Value: RedisArgumentConvertible>(
        _ key: String,
        id: RedisStreamID? = nil,
        fields: [(key: String, value: Value)],
        trim: RedisStreamTrim? = nil
    ) async throws -> RedisStreamID {
        var command = RedisCommand("XADD", key)
        trim?.append(to: &command)
        command.append(id?.description ?? "*")
        for (name, value) in fields {
            command.append(name)
            command.append(argument: value)
        }
        let reply = try await send(command)
        guard let id = RedisStreamID(reply: reply) else { throw RedisError.unexpected(reply, command: "XADD") }
        return id
    }

    /// `XLEN key`: how many entries the stream has; 0 when the key does not exist.
    /// - Throws: ``RedisError``.
    public func streamLength(_ key: String) async throws -> Int {
        try await integer(RedisCommand("XLEN", key))
    }

    /// `XDEL key id …`: how many of the entries existed and were deleted.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamDelete(_ key: String, ids: [RedisStreamID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await integer(RedisCommand("XDEL", [key] + ids.map(\.description)))
    }

    /// `XTRIM key MAXLEN|MINID …`: how many entries were removed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamTrim(_ key: String, _ trim: RedisStreamTrim) async throws -> Int {
        var command = RedisCommand("XTRIM", key)
        trim.append(to: &command)
        return try await integer(command)
    }

    /// `XRANGE key start end [COUNT count]` (or `XREVRANGE key end start` when `reverse`): the entries with IDs
    /// within the bounds, oldest first (newest first when `reverse`; `start` and `end` keep their meaning).
    ///
    /// Page through a stream by passing `.exclusive(lastID)` as the next page's `start` (its `end` when `reverse`).
    /// - Throws: ``RedisError``.
    public func streamRange(
        _ key: String,
        from start: RedisStreamRangeBound = .minimum,
        to end: RedisStreamRangeBound = .maximum,
        count: Int? = nil,
        reverse: Bool = false
    ) async throws -> [RedisStreamEntry] {
        var command =
            reverse
            ? RedisCommand("XREVRANGE", key, end.description, start.description)
            : RedisCommand("XRANGE", key, start.description, end.description)
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        let reply = try await send(command)
        guard let entries = RedisStreamEntry.list(from: reply) else {
            throw RedisError.unexpected(reply, command: command.name)
        }
        return entries
    }

    /// `XREAD [COUNT count] [BLOCK ms] STREAMS key id`: the entries of one stream after `position`, oldest first.
    ///
    /// With `block`, waits up to that long when there is nothing to read yet, and returns nothing when the time
    /// runs out. A blocking read holds its connection (on a pool: one leased connection) while it waits, with its
    /// own client-side timeout of `block` plus a margin so the connection's command timeout does not cut it short.
    /// - Parameters:
    ///   - key: The stream.
    ///   - position: Where to start: after an ID, or ``RedisStreamPosition/end`` for entries added from now on.
    ///   - count: At most this many entries.
    ///   - block: How long to wait for an entry (positive; rounded up to a millisecond); `nil` does not wait.
    /// - Throws: ``RedisError``.
    public func streamRead(
        _ key: String,
        after position: RedisStreamPosition,
        count: Int? = nil,
        block: Duration? = nil
    ) async throws -> [RedisStreamEntry] {
        let batches = try await streamRead([(key, position)], count: count, block: block)
        return batches.first?.entries ?? []  // one stream was asked for
    }

    /// `XREAD [COUNT count] [BLOCK ms] STREAMS key … id …`: the entries of several streams, one batch per stream
    /// that had any (in the order the server sent them).
    ///
    /// With `block`, waits as ``streamRead(_:after:count:block:)`` does, holding the connection meanwhile.
    /// - Throws: ``RedisError``.
    public func streamRead(
        _ streams: [(key: String, position: RedisStreamPosition)],
        count: Int? = nil,
        block: Duration? = nil
    ) async throws -> [RedisStreamBatch] {
        guard !streams.isEmpty else { return [] }
        var command = RedisCommand("XREAD")
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        let blocking = block.map(RedisBlockingTimeout.init)
        if let blocking {
            command.append("BLOCK")
            command.append(blocking.milliseconds)
        }
        command.append("STREAMS")
        for stream in streams { command.append(stream.key) }
        for stream in streams { command.append(stream.position.description) }
        let reply = try await send(command, timeout: blocking?.commandTimeout)
        guard let batches = RedisStreamBatch.list(from: reply) else {
            throw RedisError.unexpected(reply, command: "XREAD")
        }
        return batches
    }
}
