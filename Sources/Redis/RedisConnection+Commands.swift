public import NIOCore

extension RedisConnection {
    /// When a key set with ``set(_:to:expiration:condition:)-(String,ByteBuffer,_,_)`` expires.
    public struct Expiration: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case seconds(Int)
            case milliseconds(Int)
        }
        private let base: Base

        /// `EX seconds`.
        public static func seconds(_ seconds: Int) -> Expiration { Expiration(base: .seconds(seconds)) }
        /// `PX milliseconds`.
        public static func milliseconds(_ milliseconds: Int) -> Expiration {
            Expiration(base: .milliseconds(milliseconds))
        }

        fileprivate func append(to command: inout RedisCommand) {
            switch base {
            case .seconds(let value):
                command.append("EX")
                command.append(value)
            case .milliseconds(let value):
                command.append("PX")
                command.append(value)
            }
        }
    }

    /// When ``set(_:to:expiration:condition:)-(String,ByteBuffer,_,_)`` writes.
    public struct SetCondition: Hashable, Sendable {
        fileprivate let argument: String

        /// `NX`: only when the key does not exist.
        public static let ifNotExists = SetCondition(argument: "NX")
        /// `XX`: only when the key exists.
        public static let ifExists = SetCondition(argument: "XX")
    }

    /// The remaining lifetime of a key, as `TTL` reports it.
    public enum TimeToLive: Hashable, Sendable {
        /// The key does not exist (`-2`).
        case missingKey
        /// The key exists and never expires (`-1`).
        case persistent
        /// The key expires in this many seconds.
        case seconds(Int64)
    }

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
        expiration: Expiration? = nil,
        condition: SetCondition? = nil
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
        expiration: Expiration? = nil,
        condition: SetCondition? = nil
    ) async throws -> Bool {
        try await set(key, to: ByteBuffer(string: value), expiration: expiration, condition: condition)
    }

    /// `DEL key …`: how many of the keys existed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func delete(_ keys: String...) async throws -> Int {
        try await integer(RedisCommand("DEL", keys), "DEL")
    }

    /// `INCR key`: the value after the increment.
    /// - Throws: ``RedisError`` (`ERR` when the value is not an integer).
    @discardableResult
    public func increment(_ key: String) async throws -> Int64 {
        Int64(try await integer(RedisCommand("INCR", key), "INCR"))
    }

    /// `EXPIRE key seconds`: true when the key exists and the timeout was set.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try await integer(RedisCommand("EXPIRE", key, String(seconds)), "EXPIRE") == 1
    }

    /// `TTL key`.
    /// - Throws: ``RedisError``.
    public func timeToLive(_ key: String) async throws -> TimeToLive {
        switch try await integer(RedisCommand("TTL", key), "TTL") {
        case -2: .missingKey
        case -1: .persistent
        case let seconds: .seconds(Int64(seconds))
        }
    }

    /// `HSET key field value …`: how many fields were added (not counting updated ones).
    /// - Throws: ``RedisError``.
    @discardableResult
    public func hashSet(_ key: String, fields: KeyValuePairs<String, String>) async throws -> Int {
        var command = RedisCommand("HSET", key)
        for (field, value) in fields {
            command.append(field)
            command.append(value)
        }
        return try await integer(command, "HSET")
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

    /// `TIME`: the server's clock as a duration since the Unix epoch (microsecond precision).
    /// - Throws: ``RedisError``.
    public func time() async throws -> Duration {
        let reply = try await send(RedisCommand("TIME"))
        guard let elements = reply.elements, elements.count == 2,
            let seconds = elements[0].string.flatMap(Int64.init),
            let microseconds = elements[1].string.flatMap(Int64.init)
        else { throw RedisError.unexpected(reply, command: "TIME") }
        return .seconds(seconds) + .microseconds(microseconds)
    }

    /// `PING [message]`: `PONG`, or the message echoed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func ping(_ message: String? = nil) async throws -> String {
        let reply = try await send(message.map { RedisCommand("PING", $0) } ?? RedisCommand("PING"))
        guard let string = reply.string else { throw RedisError.unexpected(reply, command: "PING") }
        return string
    }

    private func integer(_ command: RedisCommand, _ name: String) async throws -> Int {
        let reply = try await send(command)
        guard let value = reply.integer, let result = Int(exactly: value) else {
            throw RedisError.unexpected(reply, command: name)
        }
        return result
    }
}
