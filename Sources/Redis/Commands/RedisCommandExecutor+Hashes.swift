public import NIOCore

extension RedisCommandExecutor {
    /// `HSET key field value …`: how many fields were added (not counting updated ones).
    /// - Throws: ``RedisError`` (`WRONGTYPE` for a key that is not a hash).
    @discardableResult
    public func hashSet<Value: RedisArgumentConvertible>(
        _ key: String,
        fields: KeyValuePairs<String, Value>
    ) async throws -> Int {
        try await hashSet(key, fields: Array(fields))
    }

    /// `HSET key field value …` with fields built at run time: an array of `(field, value)` (`Array(dictionary)`
    /// for a dictionary).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func hashSet<Value: RedisArgumentConvertible>(
        _ key: String,
        fields: [(key: String, value: Value)]
    ) async throws -> Int {
        let command = Self.keysAndValues("HSET", key: key, fields)
        guard command.count > 2 else { return 0 }
        return try await integer(command)
    }

    /// `HSETNX key field value`: true when the field was added, false when it existed (it is then left alone).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func hashSetIfNotExists(
        _ key: String,
        field: String,
        to value: some RedisArgumentConvertible
    ) async throws -> Bool {
        var command = RedisCommand("HSETNX", key, field)
        command.append(argument: value)
        return try await integer(command) == 1
    }

    /// `HGET key field`, decoded as UTF-8; `nil` when the key or field does not exist.
    /// - Throws: ``RedisError``.
    public func hashGet(_ key: String, field: String) async throws -> String? {
        try await hashGetBytes(key, field: field).map { String(buffer: $0) }
    }

    /// `HGET key field`: the value's bytes; `nil` when the key or field does not exist.
    /// - Throws: ``RedisError``.
    public func hashGetBytes(_ key: String, field: String) async throws -> ByteBuffer? {
        let reply = try await send(RedisCommand("HGET", key, field))
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw RedisError.unexpected(reply, command: "HGET") }
        return bytes
    }

    /// `HMGET key field …`: each field's bytes, `nil` for a missing field, in the order asked.
    /// - Throws: ``RedisError``.
    public func hashGet(_ key: String, fields: [String]) async throws -> [ByteBuffer?] {
        guard !fields.isEmpty else { return [] }
        let reply = try await send(RedisCommand("HMGET", [key] + fields))
        guard let values = reply.optionalByteStrings, values.count == fields.count else {
            throw RedisError.unexpected(reply, command: "HMGET")
        }
        return values
    }

    /// `HGETALL key`, decoded as UTF-8: a RESP3 map or a RESP2 flat array alike. Empty when the key does not exist.
    /// - Throws: ``RedisError``.
    public func hashGetAll(_ key: String) async throws -> [String: String] {
        try await hashGetAllBytes(key).mapValues { String(buffer: $0) }
    }

    /// `HGETALL key`: every field (decoded as UTF-8) and its value's bytes. Empty when the key does not exist.
    /// - Throws: ``RedisError``.
    public func hashGetAllBytes(_ key: String) async throws -> [String: ByteBuffer] {
        let reply = try await send(RedisCommand("HGETALL", key))
        guard let pairs = reply.pairs else { throw RedisError.unexpected(reply, command: "HGETALL") }
        var result: [String: ByteBuffer] = [:]
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let field = pair.key.string, let value = pair.value.bytes else {
                throw RedisError.unexpected(reply, command: "HGETALL")
            }
            result[field] = value
        }
        return result
    }

    /// `HDEL key field …`: how many of the fields existed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func hashDelete(_ key: String, fields: String...) async throws -> Int {
        try await hashDelete(key, fields: fields)
    }

    /// `HDEL key field …`: how many of the fields existed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func hashDelete(_ key: String, fields: [String]) async throws -> Int {
        guard !fields.isEmpty else { return 0 }
        return try await integer(RedisCommand("HDEL", [key] + fields))
    }

    /// `HEXISTS key field`.
    /// - Throws: ``RedisError``.
    public func hashExists(_ key: String, field: String) async throws -> Bool {
        try await integer(RedisCommand("HEXISTS", key, field)) == 1
    }

    /// `HLEN key`: how many fields the hash has; 0 when the key does not exist.
    /// - Throws: ``RedisError``.
    public func hashLength(_ key: String) async throws -> Int {
        try await integer(RedisCommand("HLEN", key))
    }

    /// `HKEYS key`: the field names, decoded as UTF-8.
    /// - Throws: ``RedisError``.
    public func hashKeys(_ key: String) async throws -> [String] {
        let reply = try await send(RedisCommand("HKEYS", key))
        guard let fields = reply.strings else { throw RedisError.unexpected(reply, command: "HKEYS") }
        return fields
    }

    /// `HINCRBY key field amount`: the field's value after adding `amount` (a missing field counts as 0).
    /// - Throws: ``RedisError`` (`ERR` when the value is not an integer or the result overflows).
    @discardableResult
    public func hashIncrement(_ key: String, field: String, by amount: Int64 = 1) async throws -> Int64 {
        Int64(try await integer(RedisCommand("HINCRBY", key, field, String(amount))))
    }

    /// `HINCRBYFLOAT key field amount`: the field's value after adding `amount`.
    /// - Throws: ``RedisError`` (`ERR` when the value is not a number).
    @discardableResult
    public func hashIncrement(_ key: String, field: String, byFloat amount: Double) async throws -> Double {
        var command = RedisCommand("HINCRBYFLOAT", key, field)
        command.append(argument: amount)
        let reply = try await send(command)
        guard let value = reply.double else { throw RedisError.unexpected(reply, command: "HINCRBYFLOAT") }
        return value
    }
}
