extension RedisCommandExecutor {
    /// `HSET key field value …`: how many fields were added (not counting updated ones).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func hashSet(_ key: String, fields: KeyValuePairs<String, String>) async throws -> Int {
        var command = RedisCommand("HSET", key)
        for (field, value) in fields {
            command.append(field)
            command.append(value)
        }
        return try await integer(command)
    }

    /// `HGET key field`, decoded as UTF-8; `nil` when the key or field does not exist.
    /// - Throws: ``RedisError``.
    public func hashGet(_ key: String, field: String) async throws -> String? {
        let reply = try await send(RedisCommand("HGET", key, field))
        if reply.isNull { return nil }
        guard let string = reply.string else { throw RedisError.unexpected(reply, command: "HGET") }
        return string
    }

    /// `HGETALL key`, decoded as UTF-8: a RESP3 map or a RESP2 flat array alike. Empty when the key does not exist.
    /// - Throws: ``RedisError``.
    public func hashGetAll(_ key: String) async throws -> [String: String] {
        let reply = try await send(RedisCommand("HGETALL", key))
        var result: [String: String] = [:]
        switch reply.withoutAttributes {
        case .map(let entries):
            for entry in entries {
                guard let field = entry.key.string, let value = entry.value.string else {
                    throw RedisError.unexpected(reply, command: "HGETALL")
                }
                result[field] = value
            }
        case .array(let elements) where elements.count % 2 == 0:
            for index in stride(from: 0, to: elements.count, by: 2) {
                guard let field = elements[index].string, let value = elements[index + 1].string else {
                    throw RedisError.unexpected(reply, command: "HGETALL")
                }
                result[field] = value
            }
        default:
            throw RedisError.unexpected(reply, command: "HGETALL")
        }
        return result
    }
}
