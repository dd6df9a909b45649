public import NIOCore

extension RedisCommandExecutor {
    /// `ZADD key [NX|XX] [GT|LT] [CH] score member …`: adds members or updates their scores.
    /// - Parameters:
    ///   - key: The sorted set.
    ///   - members: The members and their scores.
    ///   - condition: `NX` (only add new members) or `XX` (only update existing ones).
    ///   - comparison: `GT` or `LT`: only update a score that grows (or shrinks); new members are still added.
    ///   - countChanged: `CH`: count updated members too, not only added ones.
    /// - Returns: How many members were added (with `countChanged`, added or given a new score).
    /// - Throws: ``RedisError`` (`WRONGTYPE` for a key that is not a sorted set, `ERR` for `NX` with `GT`/`LT`).
    @discardableResult
    public func sortedSetAdd(
        _ key: String,
        members: [RedisScoredMember],
        condition: RedisSetCondition? = nil,
        comparison: RedisScoreComparison? = nil,
        countChanged: Bool = false
    ) async throws -> Int {
        guard !members.isEmpty else { return 0 }
        var command = RedisCommand("ZADD", key)
        if let condition { command.append(condition.argument) }
        if let comparison { command.append(comparison.argument) }
        if countChanged { command.append("CH") }
        for member in members {
            command.append(argument: member.score)
            command.append(member.member)
        }
        return try await integer(command)
    }

    /// `ZADD key [NX|XX] [GT|LT] CH score member`: true when the member was added or its score changed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func sortedSetAdd(
        _ key: String,
        member: some RedisArgumentConvertible,
        score: Double,
        condition: RedisSetCondition? = nil,
        comparison: RedisScoreComparison? = nil
    ) async throws -> Bool {
        var command = RedisCommand("ZADD", key)
        if let condition { command.append(condition.argument) }
        if let comparison { command.append(comparison.argument) }
        command.append("CH")
        command.append(argument: score)
        command.append(argument: member)
        return try await integer(command) == 1
    }

    /// `ZINCRBY key amount member`: the member's score after adding `amount` (a new member starts at 0).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func sortedSetIncrement(
        _ key: String,
        member: some RedisArgumentConvertible,
        by amount: Double
    ) async throws -> Double {
        var command = RedisCommand("ZINCRBY", key)
        command.append(argument: amount)
        command.append(argument: member)
        let reply = try await send(command)
        guard let score = reply.double else { throw RedisError.unexpected(reply, command: "ZINCRBY") }
        return score
    }

    /// `ZSCORE key member`: the member's score; `nil` when the key or member does not exist.
    /// - Throws: ``RedisError``.
    public func sortedSetScore(_ key: String, member: some RedisArgumentConvertible) async throws -> Double? {
        var command = RedisCommand("ZSCORE", key)
        command.append(argument: member)
        let reply = try await send(command)
        if reply.isNull { return nil }
        guard let score = reply.double else { throw RedisError.unexpected(reply, command: "ZSCORE") }
        return score
    }

    /// `ZMSCORE key member …`: each member's score, `nil` for a missing member, in the order asked.
    /// - Throws: ``RedisError``.
    public func sortedSetScores<Member: RedisArgumentConvertible>(
        _ key: String,
        members: [Member]
    ) async throws -> [Double?] {
        guard !members.isEmpty else { return [] }
        var command = RedisCommand("ZMSCORE", key)
        for member in members { command.append(argument: member) }
        let reply = try await send(command)
        guard let elements = reply.elements, elements.count == members.count else {
            throw RedisError.unexpected(reply, command: "ZMSCORE")
        }
        return try elements.map { element in
            if element.isNull { return nil }
            guard let score = element.double else { throw RedisError.unexpected(reply, command: "ZMSCORE") }
            return score
        }
    }

    /// `ZRANK key member` (or `ZREVRANK`): the member's 0-based position by ascending score (descending when
    /// `reverse`); `nil` when the key or member does not exist.
    /// - Throws: ``RedisError``.
    public func sortedSetRank(
        _ key: String,
        member: some RedisArgumentConvertible,
        reverse: Bool = false
    ) async throws -> Int? {
        var command = RedisCommand(reverse ? "ZREVRANK" : "ZRANK", key)
        command.append(argument: member)
        let reply = try await send(command)
        if reply.isNull { return nil }
        guard let rank = reply.int else { throw RedisError.unexpected(reply, command: command.name) }
        return rank
    }

    /// `ZCARD key`: how many members the set has; 0 when the key does not exist.
    /// - Throws: ``RedisError``.
    public func sortedSetCount(_ key: String) async throws -> Int {
        try await integer(RedisCommand("ZCARD", key))
    }

    /// `ZCOUNT key min max`: how many members have a score within the bounds.
    /// - Throws: ``RedisError``.
    public func sortedSetCount(_ key: String, from min: RedisScoreBound, to max: RedisScoreBound) async throws -> Int {
        try await integer(RedisCommand("ZCOUNT", key, min.description, max.description))
    }

    /// `ZREM key member …`: how many of the members existed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func sortedSetRemove<Member: RedisArgumentConvertible>(_ key: String, members: [Member]) async throws -> Int
    {
        guard !members.isEmpty else { return 0 }
        var command = RedisCommand("ZREM", key)
        for member in members { command.append(argument: member) }
        return try await integer(command)
    }

    /// `ZREMRANGEBYSCORE key min max`: removes the members with a score within the bounds; how many were removed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func sortedSetRemove(
        _ key: String,
        scoresFrom min: RedisScoreBound,
        to max: RedisScoreBound
    ) async throws -> Int {
        try await integer(RedisCommand("ZREMRANGEBYSCORE", key, min.description, max.description))
    }

    /// `ZRANGE key start stop [REV]`: the members from rank `start` to rank `stop`, both included (negative ranks
    /// count from the end: -1 is the last), by ascending score, or descending when `reverse`.
    /// - Throws: ``RedisError``.
    public func sortedSetRange(
        _ key: String,
        from start: Int = 0,
        to stop: Int = -1,
        reverse: Bool = false
    ) async throws -> [ByteBuffer] {
        let reply = try await send(Self.rankRange(key, start, stop, reverse: reverse, withScores: false))
        guard let members = reply.byteStrings else { throw RedisError.unexpected(reply, command: "ZRANGE") }
        return members
    }

    /// `ZRANGE key start stop [REV] WITHSCORES`: as ``sortedSetRange(_:from:to:reverse:)``, with scores (a RESP2
    /// flat array or RESP3 pairs alike).
    /// - Throws: ``RedisError``.
    public func sortedSetRangeWithScores(
        _ key: String,
        from start: Int = 0,
        to stop: Int = -1,
        reverse: Bool = false
    ) async throws -> [RedisScoredMember] {
        let reply = try await send(Self.rankRange(key, start, stop, reverse: reverse, withScores: true))
        guard let members = RedisScoredMember.list(from: reply) else {
            throw RedisError.unexpected(reply, command: "ZRANGE")
        }
        return members
    }

    /// `ZRANGE key min max BYSCORE [REV] [LIMIT offset count]`: the members with a score within the bounds, by
    /// ascending score (descending when `reverse`; `min` and `max` keep their meaning).
    /// - Parameters:
    ///   - limit: At most this many members, after skipping `offset` of them; all when `nil`.
    /// - Throws: ``RedisError``.
    public func sortedSetRangeByScore(
        _ key: String,
        from min: RedisScoreBound,
        to max: RedisScoreBound,
        reverse: Bool = false,
        offset: Int = 0,
        limit: Int? = nil
    ) async throws -> [ByteBuffer] {
        let command = Self.scoreRange(key, min, max, reverse: reverse, offset: offset, limit: limit, withScores: false)
        let reply = try await send(command)
        guard let members = reply.byteStrings else { throw RedisError.unexpected(reply, command: "ZRANGE") }
        return members
    }

    /// `ZRANGE key min max BYSCORE [REV] [LIMIT offset count] WITHSCORES`: as
    /// ``sortedSetRangeByScore(_:from:to:reverse:offset:limit:)``, with scores.
    /// - Throws: ``RedisError``.
    public func sortedSetRangeByScoreWithScores(
        _ key: String,
        from min: RedisScoreBound,
        to max: RedisScoreBound,
        reverse: Bool = false,
        offset: Int = 0,
        limit: Int? = nil
    ) async throws -> [RedisScoredMember] {
        let command = Self.scoreRange(key, min, max, reverse: reverse, offset: offset, limit: limit, withScores: true)
        let reply = try await send(command)
        guard let members = RedisScoredMember.list(from: reply) else {
            throw RedisError.unexpected(reply, command: "ZRANGE")
        }
        return members
    }

    /// `ZPOPMIN key count`: removes and returns up to `count` members with the lowest scores, lowest first; empty
    /// when the key does not exist.
    /// - Throws: ``RedisError``.
    public func sortedSetPopMin(_ key: String, count: Int = 1) async throws -> [RedisScoredMember] {
        try await pop("ZPOPMIN", key, count: count)
    }

    /// `ZPOPMAX key count`: removes and returns up to `count` members with the highest scores, highest first.
    /// - Throws: ``RedisError``.
    public func sortedSetPopMax(_ key: String, count: Int = 1) async throws -> [RedisScoredMember] {
        try await pop("ZPOPMAX", key, count: count)
    }

    /// `BZPOPMIN key … timeout`: pops the lowest-scored member of the first non-empty set, waiting up to `timeout`
    /// for one; `nil` when the time ran out.
    ///
    /// The command holds its connection (on a pool: one leased connection) while it waits. It is sent with its own
    /// client-side timeout, `timeout` plus a margin, so the connection's command timeout does not cut it short.
    /// - Parameters:
    ///   - keys: The sorted sets, tried in order.
    ///   - timeout: How long to wait (positive; rounded up to a millisecond).
    /// - Throws: ``RedisError``.
    public func blockingSortedSetPopMin(
        _ keys: [String],
        timeout: Duration
    ) async throws -> (key: String, member: RedisScoredMember)? {
        try await blockingPop("BZPOPMIN", keys, timeout: timeout)
    }

    /// `BZPOPMAX key … timeout`: as ``blockingSortedSetPopMin(_:timeout:)`` for the highest-scored member.
    /// - Throws: ``RedisError``.
    public func blockingSortedSetPopMax(
        _ keys: [String],
        timeout: Duration
    ) async throws -> (key: String, member: RedisScoredMember)? {
        try await blockingPop("BZPOPMAX", keys, timeout: timeout)
    }

    private func pop(_ name: String, _ key: String, count: Int) async throws -> [RedisScoredMember] {
        let reply = try await send(RedisCommand(name, key, String(count)))
        guard let members = RedisScoredMember.list(from: reply) else {
            throw RedisError.unexpected(reply, command: name)
        }
        return members
    }

    private func blockingPop(
        _ name: String,
        _ keys: [String],
        timeout: Duration
    ) async throws -> (key: String, member: RedisScoredMember)? {
        let block = RedisBlockingTimeout(timeout)
        let reply = try await send(RedisCommand(name, keys + [block.secondsArgument]), timeout: block.commandTimeout)
        if reply.isNull { return nil }
        guard let elements = reply.elements, elements.count == 3, let key = elements[0].string,
            let member = elements[1].bytes, let score = elements[2].double
        else { throw RedisError.unexpected(reply, command: name) }
        return (key, RedisScoredMember(member: member, score: score))
    }

    private static func rankRange(
        _ key: String,
        _ start: Int,
        _ stop: Int,
        reverse: Bool,
        withScores: Bool
    )
        -> RedisCommand
    {
        var command = RedisCommand("ZRANGE", key, String(start), String(stop))
        if reverse { command.append("REV") }
        if withScores { command.append("WITHSCORES") }
        return command
    }

    private static func scoreRange(
        _ key: String,
        _ min: RedisScoreBound,
        _ max: RedisScoreBound,
        reverse: Bool,
        offset: Int,
        limit: Int?,
        withScores: Bool
    ) -> RedisCommand {
        // With REV, ZRANGE takes the bounds as "from max to min".
        var command =
            reverse
            ? RedisCommand("ZRANGE", key, max.description, min.description, "BYSCORE", "REV")
            : RedisCommand("ZRANGE", key, min.description, max.description, "BYSCORE")
        if limit != nil || offset != 0 {
            command.append("LIMIT")
            command.append(offset)
            command.append(limit ?? -1)
        }
        if withScores { command.append("WITHSCORES") }
        return command
    }
}
