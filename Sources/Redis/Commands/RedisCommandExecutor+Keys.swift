extension RedisCommandExecutor {
    /// `DEL key …`: how many of the keys existed. Frees the values at once; prefer `UNLINK` for large values.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func delete(_ keys: String...) async throws -> Int {
        try await delete(keys)
    }

    /// `DEL key …`: how many of the keys existed.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await integer(RedisCommand("DEL", keys))
    }

    /// `UNLINK key …`: how many of the keys existed. The keys disappear at once; their memory is freed in the
    /// background, so a large value does not stall the server.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func unlink(_ keys: String...) async throws -> Int {
        try await unlink(keys)
    }

    /// `UNLINK key …`: how many of the keys existed; memory is freed in the background.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func unlink(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await integer(RedisCommand("UNLINK", keys))
    }

    /// `EXISTS key …`: how many of the keys exist (a key named twice counts twice).
    /// - Throws: ``RedisError``.
    public func exists(_ keys: String...) async throws -> Int {
        try await exists(keys)
    }

    /// `EXISTS key …`: how many of the keys exist (a key named twice counts twice).
    /// - Throws: ``RedisError``.
    public func exists(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await integer(RedisCommand("EXISTS", keys))
    }

    /// `EXPIRE key seconds`: true when the key exists and the timeout was set.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try await integer(RedisCommand("EXPIRE", key, String(seconds))) == 1
    }

    /// `PEXPIRE key milliseconds`: expires the key after `duration` (rounded up to a millisecond); true when the key
    /// exists and the timeout was set. A duration of zero or less deletes the key.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func expire(_ key: String, after duration: Duration) async throws -> Bool {
        let milliseconds = max(0, duration.millisecondsRoundedUp)
        return try await integer(RedisCommand("PEXPIRE", key, String(milliseconds))) == 1
    }

    /// `PERSIST key`: removes the key's timeout; true when the key existed and had one.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func persist(_ key: String) async throws -> Bool {
        try await integer(RedisCommand("PERSIST", key)) == 1
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

    /// `TYPE key`: `string`, `list`, `set`, `zset`, `hash` or `stream`; `nil` when the key does not exist.
    /// - Throws: ``RedisError``.
    public func keyType(_ key: String) async throws -> String? {
        let reply = try await send(RedisCommand("TYPE", key))
        guard let type = reply.string else { throw RedisError.unexpected(reply, command: "TYPE") }
        return type == "none" ? nil : type
    }

    /// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`: one step of an iteration over the keys.
    ///
    /// Start with cursor 0 and pass each page's ``RedisScanPage/cursor`` to the next call until it is 0 again; or
    /// use ``scanKeys(matching:count:type:)``, which does that. Key names are decoded as UTF-8.
    /// - Parameters:
    ///   - cursor: 0 to start, then the cursor of the previous page.
    ///   - pattern: A glob-style pattern (`cache:*`); every key when `nil`.
    ///   - count: A hint for how many keys the server examines per step (10 by default); not a page size.
    ///   - type: Only keys of this type (`string`, `hash`, `zset`, …).
    /// - Throws: ``RedisError``.
    public func scan(
        cursor: UInt64,
        matching pattern: String? = nil,
        count: Int? = nil,
        type: String? = nil
    ) async throws -> RedisScanPage {
        var command = RedisCommand("SCAN", String(cursor))
        if let pattern {
            command.append("MATCH")
            command.append(pattern)
        }
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        if let type {
            command.append("TYPE")
            command.append(type)
        }
        let reply = try await send(command)
        guard let elements = reply.elements, elements.count == 2,
            let next = elements[0].string.flatMap({ UInt64($0) }),
            let keys = elements[1].strings
        else { throw RedisError.unexpected(reply, command: "SCAN") }
        return RedisScanPage(cursor: next, keys: keys)
    }

    /// Every key matching `pattern`, fetched page by page with `SCAN` as the sequence is iterated.
    ///
    /// ```swift
    /// for try await key in redis.scanKeys(matching: "cache:*", count: 1_000) { … }
    /// ```
    ///
    /// `SCAN`'s guarantees apply: a key present for the whole iteration is returned at least once (it may be
    /// returned more than once); a key added or removed meanwhile may or may not be. Each page is one command, so
    /// on a pool each step may use a different connection.
    /// - Parameters:
    ///   - pattern: A glob-style pattern; every key when `nil`.
    ///   - count: The `COUNT` hint per step.
    ///   - type: Only keys of this type.
    public func scanKeys(matching pattern: String? = nil, count: Int? = nil, type: String? = nil) -> RedisKeyScan<Self>
    {
        RedisKeyScan(executor: self, pattern: pattern, count: count, type: type)
    }
}
