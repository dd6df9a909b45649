public import NIOCore

extension RedisCommandExecutor {
    /// `GET key`: the value's bytes, or `nil` when the key does not exist.
    /// - Throws: ``RedisError`` (`WRONGTYPE` for a key that is not a string).
    public func get(_ key: String) async throws -> ByteBuffer? {
        let reply = try await send(RedisCommand("GET", key))
        switch reply.withoutAttributes {
        case .bulkString(let buffer): return buffer
        case .null, .nullBulkString: return nil
        default: throw RedisError.unexpected(reply, command: "GET")
        }
    }

    /// `GET key` decoded as UTF-8, or `nil` when the key does not exist.
    /// - Throws: ``RedisError``.
    public func getString(_ key: String) async throws -> String? {
        try await get(key).map { String(buffer: $0) }
    }

    /// `SET key value [EX|PX] [NX|XX]`: true when the value was written, false when the condition kept it out.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func set(
        _ key: String,
        to value: ByteBuffer,
        expiration: RedisExpiration? = nil,
        condition: RedisSetCondition? = nil
    ) async throws -> Bool {
        var command = RedisCommand("SET", key)
        command.append(value)
        expiration?.append(to: &command)
        if let condition { command.append(condition.argument) }
        let reply = try await send(command)
        if reply.isNull { return false }
        guard reply.string == "OK" else { throw RedisError.unexpected(reply, command: "SET") }
        return true
    }

    /// `SET key value [EX|PX] [NX|XX]` with a UTF-8 string value.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func set(
        _ key: String,
        to value: String,
        expiration: RedisExpiration? = nil,
        condition: RedisSetCondition? = nil
    ) async throws -> Bool {
        try await set(key, to: ByteBuffer(string: value), expiration: expiration, condition: condition)
    }

    /// `DEL key …`: how many of the keys existed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func delete(_ keys: String...) async throws -> Int {
        try await integer(RedisCommand("DEL", keys))
    }

    /// `INCR key`: the value after the increment.
    /// - Throws: ``RedisError`` (`ERR` when the value is not an integer).
    @discardableResult
    public func increment(_ key: String) async throws -> Int64 {
        Int64(try await integer(RedisCommand("INCR", key)))
    }

    /// `EXPIRE key seconds`: true when the key exists and the timeout was set.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try await integer(RedisCommand("EXPIRE", key, String(seconds))) == 1
    }

    /// `TTL key`.
    /// - Throws: ``RedisError``.
    public func timeToLive(_ key: String) async throws -> RedisTimeToLive {
        switch try await integer(RedisCommand("TTL", key)) {
        case -2: .missingKey
        case -1: .persistent
        case let seconds: .seconds(Int64(seconds))
        }
    }
}
