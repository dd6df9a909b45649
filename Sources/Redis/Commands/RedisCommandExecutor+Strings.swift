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

    /// `MGET key …`: each key's bytes, `nil` for a key that does not exist or is not a string, in the order asked.
    /// - Throws: ``RedisError``.
    public func get(_ keys: [String]) async throws -> [ByteBuffer?] {
        guard !keys.isEmpty else { return [] }
        let reply = try await send(RedisCommand("MGET", keys))
        guard let values = reply.optionalByteStrings, values.count == keys.count else {
            throw RedisError.unexpected(reply, command: "MGET")
        }
        return values
    }

    /// `MGET key …` decoded as UTF-8.
    /// - Throws: ``RedisError``.
    public func getStrings(_ keys: [String]) async throws -> [String?] {
        try await get(keys).map { $0.map { String(buffer: $0) } }
    }

    /// `MSET key value …`: writes every pair at once (atomically), replacing existing values and their timeouts.
    /// - Throws: ``RedisError``.
    public func set<Value: RedisArgumentConvertible>(_ values: KeyValuePairs<String, Value>) async throws {
        try await set(Array(values))
    }

    /// `MSET key value …` with pairs built at run time: an array of `(key, value)` (`Array(dictionary)` for a
    /// dictionary).
    /// - Throws: ``RedisError``.
    public func set<Value: RedisArgumentConvertible>(_ values: [(key: String, value: Value)]) async throws {
        let command = Self.keysAndValues("MSET", values)
        guard command.count > 1 else { return }
        let reply = try await send(command)
        guard reply.string == "OK" else { throw RedisError.unexpected(reply, command: "MSET") }
    }

    /// `MSETNX key value …`: writes every pair, or none when any of the keys exists; true when they were written.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func setIfNoneExist<Value: RedisArgumentConvertible>(
        _ values: KeyValuePairs<String, Value>
    )
        async throws -> Bool
    {
        try await setIfNoneExist(Array(values))
    }

    /// `MSETNX key value …` with pairs built at run time: an array of `(key, value)`.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func setIfNoneExist<Value: RedisArgumentConvertible>(
        _ values: [(key: String, value: Value)]
    ) async throws -> Bool {
        let command = Self.keysAndValues("MSETNX", values)
        guard command.count > 1 else { return true }
        return try await integer(command) == 1
    }

    /// `GETDEL key`: the value's bytes, deleting the key; `nil` when it did not exist.
    /// - Throws: ``RedisError`` (`WRONGTYPE` for a key that is not a string).
    public func getDelete(_ key: String) async throws -> ByteBuffer? {
        let reply = try await send(RedisCommand("GETDEL", key))
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw RedisError.unexpected(reply, command: "GETDEL") }
        return bytes
    }

    /// `APPEND key value`: the length of the value after appending (a missing key starts empty).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func append(_ key: String, _ value: some RedisArgumentConvertible) async throws -> Int {
        var command = RedisCommand("APPEND", key)
        command.append(argument: value)
        return try await integer(command)
    }

    /// `STRLEN key`: the value's length in bytes; 0 when the key does not exist.
    /// - Throws: ``RedisError``.
    public func stringLength(_ key: String) async throws -> Int {
        try await integer(RedisCommand("STRLEN", key))
    }

    /// `INCR key`: the value after the increment (a missing key counts as 0).
    /// - Throws: ``RedisError`` (`ERR` when the value is not an integer or the result overflows).
    @discardableResult
    public func increment(_ key: String) async throws -> Int64 {
        Int64(try await integer(RedisCommand("INCR", key)))
    }

    /// `INCRBY key amount`: the value after adding `amount` (which may be negative).
    /// - Throws: ``RedisError`` (`ERR` when the value is not an integer or the result overflows).
    @discardableResult
    public func increment(_ key: String, by amount: Int64) async throws -> Int64 {
        Int64(try await integer(RedisCommand("INCRBY", key, String(amount))))
    }

    /// `DECRBY key amount`: the value after subtracting `amount`.
    /// - Throws: ``RedisError`` (`ERR` when the value is not an integer or the result overflows).
    @discardableResult
    public func decrement(_ key: String, by amount: Int64 = 1) async throws -> Int64 {
        Int64(try await integer(RedisCommand("DECRBY", key, String(amount))))
    }

    /// `INCRBYFLOAT key amount`: the value after adding `amount`.
    /// - Throws: ``RedisError`` (`ERR` when the value is not a number, or the result is infinite or not a number).
    @discardableResult
    public func increment(_ key: String, byFloat amount: Double) async throws -> Double {
        var command = RedisCommand("INCRBYFLOAT", key)
        command.append(argument: amount)
        let reply = try await send(command)
        guard let value = reply.double else { throw RedisError.unexpected(reply, command: "INCRBYFLOAT") }
        return value
    }

    /// A command of the form `NAME [key] name value name value …`.
    static func keysAndValues<Value: RedisArgumentConvertible>(
        _ name: String,
        key: String? = nil,
        _ pairs: some Sequence<(key: String, value: Value)>
    ) -> RedisCommand {
        var command = RedisCommand(name)
        if let key { command.append(key) }
        for (key, value) in pairs {
            command.append(key)
            command.append(argument: value)
        }
        return command
    }
}
