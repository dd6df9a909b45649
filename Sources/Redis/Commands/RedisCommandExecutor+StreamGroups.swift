// Consumer groups: each entry goes to one consumer of the group and stays pending until acknowledged.
extension RedisCommandExecutor {
    /// `XGROUP CREATE key group id|$ [MKSTREAM]`: creates a consumer group; false when it exists already
    /// (`BUSYGROUP`), so every worker may call this at start-up.
    /// - Parameters:
    ///   - position: Where the group starts: ``RedisStreamPosition/end`` (only new entries) or after an ID
    ///     (`.after(.zero)`: the whole stream).
    ///   - makeStream: Create an empty stream when the key does not exist (otherwise that is an `ERR`).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamCreateGroup(
        _ key: String,
        group: String,
        startingAt position: RedisStreamPosition = .end,
        makeStream: Bool = false
    ) async throws -> Bool {
        var command = RedisCommand("XGROUP", "CREATE", key, group, position.description)
        if makeStream { command.append("MKSTREAM") }
        do {
            let reply = try await send(command)
            guard reply.string == "OK" else { throw RedisError.unexpected(reply, command: "XGROUP") }
            return true
        } catch let error as RedisError where error.serverCode == "BUSYGROUP" {
            return false
        }
    }

    /// `XGROUP SETID key group id|$`: moves the group's last-delivered position.
    /// - Throws: ``RedisError``.
    public func streamSetGroupPosition(_ key: String, group: String, to position: RedisStreamPosition) async throws {
        let reply = try await send(RedisCommand("XGROUP", "SETID", key, group, position.description))
        guard reply.string == "OK" else { throw RedisError.unexpected(reply, command: "XGROUP") }
    }

    /// `XGROUP DESTROY key group`: true when the group existed. Its pending entries are forgotten.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamDestroyGroup(_ key: String, group: String) async throws -> Bool {
        try await integer(RedisCommand("XGROUP", "DESTROY", key, group)) == 1
    }

    /// `XGROUP DELCONSUMER key group consumer`: removes a consumer; how many entries were pending for it (they
    /// are no longer pending for anyone: claim them first).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamDeleteConsumer(_ key: String, group: String, consumer: String) async throws -> Int {
        try await integer(RedisCommand("XGROUP", "DELCONSUMER", key, group, consumer))
    }

    /// `XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key id`: reads one stream as a
    /// consumer of a group.
    ///
    /// With ``RedisStreamGroupPosition/undelivered`` the entries become pending for this consumer until
    /// acknowledged (unless `noAcknowledge`); with ``RedisStreamGroupPosition/pending(after:)`` it rereads its own
    /// pending entries (an entry deleted meanwhile comes with no fields). With `block`, waits up to that long for
    /// new entries, holding the connection (on a pool: one leased connection) meanwhile, with its own client-side
    /// timeout of `block` plus a margin.
    /// - Throws: ``RedisError`` (`NOGROUP` when the group or stream does not exist).
    public func streamReadGroup(
        _ key: String,
        group: String,
        consumer: String,
        position: RedisStreamGroupPosition = .undelivered,
        count: Int? = nil,
        block: Duration? = nil,
        noAcknowledge: Bool = false
    ) async throws -> [RedisStreamEntry] {
        let batches = try await streamReadGroup(
            [(key, position)],
            group: group,
            consumer: consumer,
            count: count,
            block: block,
            noAcknowledge: noAcknowledge
        )
        return batches.first?.entries ?? []  // one stream was asked for
    }

    /// `XREADGROUP … STREAMS key … id …`: reads several streams as a consumer of a group (the same group name on
    /// each); one batch per stream that had entries.
    /// - Throws: ``RedisError``.
    public func streamReadGroup(
        _ streams: [(key: String, position: RedisStreamGroupPosition)],
        group: String,
        consumer: String,
        count: Int? = nil,
        block: Duration? = nil,
        noAcknowledge: Bool = false
    ) async throws -> [RedisStreamBatch] {
        guard !streams.isEmpty else { return [] }
        var command = RedisCommand("XREADGROUP", "GROUP", group, consumer)
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        let blocking = block.map(RedisBlockingTimeout.init)
        if let blocking {
            command.append("BLOCK")
            command.append(blocking.milliseconds)
        }
        if noAcknowledge { command.append("NOACK") }
        command.append("STREAMS")
        for stream in streams { command.append(stream.key) }
        for stream in streams { command.append(stream.position.description) }
        let reply = try await send(command, timeout: blocking?.commandTimeout)
        guard let batches = RedisStreamBatch.list(from: reply) else {
            throw RedisError.unexpected(reply, command: "XREADGROUP")
        }
        return batches
    }

    /// `XACK key group id …`: marks entries as processed; how many were pending.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func streamAcknowledge(_ key: String, group: String, ids: [RedisStreamID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await integer(RedisCommand("XACK", [key, group] + ids.map(\.description)))
    }

    /// `XPENDING key group`: how many entries are pending, their ID range, and how many per consumer.
    /// - Throws: ``RedisError`` (`NOGROUP`).
    public func streamPendingSummary(_ key: String, group: String) async throws -> RedisStreamPendingSummary {
        let reply = try await send(RedisCommand("XPENDING", key, group))
        guard let summary = RedisStreamPendingSummary(reply: reply) else {
            throw RedisError.unexpected(reply, command: "XPENDING")
        }
        return summary
    }

    /// `XPENDING key group [IDLE ms] start end count [consumer]`: pending entries one by one, oldest first.
    /// - Parameters:
    ///   - start: The first ID (`-` by default).
    ///   - end: The last ID (`+` by default).
    ///   - count: At most this many entries.
    ///   - consumer: Only the entries pending for this consumer.
    ///   - minimumIdleTime: Only entries delivered at least this long ago (rounded up to a millisecond).
    /// - Throws: ``RedisError``.
    public func streamPending(
        _ key: String,
        group: String,
        from start: RedisStreamRangeBound = .minimum,
        to end: RedisStreamRangeBound = .maximum,
        count: Int,
        consumer: String? = nil,
        minimumIdleTime: Duration? = nil
    ) async throws -> [RedisStreamPendingEntry] {
        var command = RedisCommand("XPENDING", key, group)
        if let minimumIdleTime {
            command.append("IDLE")
            command.append(max(0, minimumIdleTime.millisecondsRoundedUp))
        }
        command.append(start.description)
        command.append(end.description)
        command.append(count)
        if let consumer { command.append(consumer) }
        let reply = try await send(command)
        guard let elements = reply.elementsOrEmpty else { throw RedisError.unexpected(reply, command: "XPENDING") }
        return try elements.map { element in
            guard let entry = RedisStreamPendingEntry(reply: element) else {
                throw RedisError.unexpected(reply, command: "XPENDING")
            }
            return entry
        }
    }

    /// `XAUTOCLAIM key group consumer min-idle-time start [COUNT count]`: takes over entries that have been pending
    /// for at least `minimumIdleTime` (their consumer probably died) for `consumer`, scanning the pending list from
    /// `start`.
    ///
    /// Call again with the result's ``RedisStreamAutoClaim/nextID`` until it is ``RedisStreamID/zero`` to scan
    /// the whole list.
    /// - Parameters:
    ///   - count: Claim at most this many entries (Redis's default is 100).
    /// - Throws: ``RedisError``.
    public func streamAutoClaim(
        _ key: String,
        group: String,
        consumer: String,
        minimumIdleTime: Duration,
        startingAt start: RedisStreamID = .zero,
        count: Int? = nil
    ) async throws -> RedisStreamAutoClaim {
        var command = RedisCommand("XAUTOCLAIM", key, group, consumer)
        command.append(max(0, minimumIdleTime.millisecondsRoundedUp))
        command.append(start.description)
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        let reply = try await send(command)
        guard let result = RedisStreamAutoClaim(reply: reply) else {
            throw RedisError.unexpected(reply, command: "XAUTOCLAIM")
        }
        return result
    }

    /// `XCLAIM key group consumer min-idle-time id …`: takes over the given pending entries that have been idle
    /// for at least `minimumIdleTime`; the entries claimed, with their fields.
    /// - Throws: ``RedisError``.
    public func streamClaim(
        _ key: String,
        group: String,
        consumer: String,
        minimumIdleTime: Duration,
        ids: [RedisStreamID]
    ) async throws -> [RedisStreamEntry] {
        guard !ids.isEmpty else { return [] }
        var command = RedisCommand("XCLAIM", key, group, consumer)
        command.append(max(0, minimumIdleTime.millisecondsRoundedUp))
        for id in ids { command.append(id.description) }
        let reply = try await send(command)
        // Entries that were deleted meanwhile come back as nulls (Redis 6) or are left out (Redis 7).
        let entries = reply.elementsOrEmpty?.filter { !$0.isNull }
        guard let list = entries.flatMap({ RedisStreamEntry.list(from: .array($0)) }) else {
            throw RedisError.unexpected(reply, command: "XCLAIM")
        }
        return list
    }

    /// `XINFO STREAM key`: the stream's length, last ID, group count and first and last entries.
    /// - Throws: ``RedisError`` (`ERR no such key` for a missing stream).
    public func streamInfo(_ key: String) async throws -> RedisStreamInfo {
        let reply = try await send(RedisCommand("XINFO", "STREAM", key))
        guard let info = RedisStreamInfo(reply: reply) else { throw RedisError.unexpected(reply, command: "XINFO") }
        return info
    }

    /// `XINFO GROUPS key`: the stream's consumer groups.
    /// - Throws: ``RedisError``.
    public func streamGroups(_ key: String) async throws -> [RedisStreamGroupInfo] {
        let reply = try await send(RedisCommand("XINFO", "GROUPS", key))
        guard let elements = reply.elementsOrEmpty else { throw RedisError.unexpected(reply, command: "XINFO") }
        return try elements.map { element in
            guard let info = RedisStreamGroupInfo(reply: element) else {
                throw RedisError.unexpected(reply, command: "XINFO")
            }
            return info
        }
    }

    /// `XINFO CONSUMERS key group`: the group's consumers.
    /// - Throws: ``RedisError`` (`NOGROUP`).
    public func streamConsumers(_ key: String, group: String) async throws -> [RedisStreamConsumerInfo] {
        let reply = try await send(RedisCommand("XINFO", "CONSUMERS", key, group))
        guard let elements = reply.elementsOrEmpty else { throw RedisError.unexpected(reply, command: "XINFO") }
        return try elements.map { element in
            guard let info = RedisStreamConsumerInfo(reply: element) else {
                throw RedisError.unexpected(reply, command: "XINFO")
            }
            return info
        }
    }
}
