extension RedisCommandExecutor {
    /// Runs a script with `EVALSHA`; when the server answers `NOSCRIPT` (a restarted server, `SCRIPT FLUSH`, a
    /// fail-over to a replica that never saw it), loads it with `SCRIPT LOAD` and runs it once more.
    ///
    /// ```swift
    /// let reply = try await redis.evaluate(limiter, keys: [key], arguments: [capacity, refillMilliseconds])
    /// ```
    ///
    /// The script's reply comes back as it is: Lua numbers as integers, strings as bulk strings, tables as arrays,
    /// `nil`/`false` as null (and on RESP3 connections, `redis.setresp(3)` replies as maps, doubles, …).
    /// - Parameters:
    ///   - script: The script.
    ///   - keys: The keys it touches (`KEYS[1]` …): every key the script accesses must be passed here.
    ///   - arguments: Its other arguments (`ARGV[1]` …): strings, bytes, integers, doubles.
    /// - Throws: ``RedisError``: an error the script returns (`redis.error_reply`, `error()`) or raises (a failed
    ///   `redis.call`) is a ``RedisError/Code/serverError`` with its own code (such as `WRONGTYPE`).
    @discardableResult
    public func evaluate(
        _ script: RedisScript,
        keys: [String] = [],
        arguments: [any RedisArgumentConvertible] = []
    ) async throws -> RESPValue {
        try await evaluate("EVALSHA", script, keys: keys, arguments: arguments)
    }

    /// Runs a read-only script with `EVALSHA_RO` (Redis 7 and later), loading it on `NOSCRIPT` as
    /// ``evaluate(_:keys:arguments:)`` does. The server refuses any write the script attempts (an `ERR` reply), and
    /// the command may run on a read-only replica.
    /// - Throws: ``RedisError``.
    @discardableResult
    public func evaluateReadOnly(
        _ script: RedisScript,
        keys: [String] = [],
        arguments: [any RedisArgumentConvertible] = []
    ) async throws -> RESPValue {
        try await evaluate("EVALSHA_RO", script, keys: keys, arguments: arguments)
    }

    /// `SCRIPT LOAD source`: stores the script in the server's script cache (a pool or deployment may call this at
    /// start-up to fail early on a syntax error).
    /// - Throws: ``RedisError`` (`ERR` for a script that does not compile); ``RedisError/Code/unexpectedReply`` when
    ///   the server's digest differs from ``RedisScript/sha1``.
    public func loadScript(_ script: RedisScript) async throws {
        let reply = try await send(RedisCommand("SCRIPT", "LOAD", script.source))
        guard let digest = reply.string else { throw RedisError.unexpected(reply, command: "SCRIPT") }
        guard digest.lowercased() == script.sha1 else {
            throw RedisError(code: .unexpectedReply, message: "SCRIPT: the server's digest differs from the script's")
        }
    }

    /// `SCRIPT EXISTS sha1 …`: whether the server's script cache holds each script, in the order asked.
    /// - Throws: ``RedisError``.
    public func scriptsExist(_ scripts: [RedisScript]) async throws -> [Bool] {
        guard !scripts.isEmpty else { return [] }
        let reply = try await send(RedisCommand("SCRIPT", ["EXISTS"] + scripts.map(\.sha1)))
        guard let elements = reply.elements, elements.count == scripts.count else {
            throw RedisError.unexpected(reply, command: "SCRIPT")
        }
        return try elements.map { element in
            switch element.withoutAttributes {
            case .integer(let value): return value == 1
            case .boolean(let value): return value
            default: throw RedisError.unexpected(reply, command: "SCRIPT")
            }
        }
    }

    private func evaluate(
        _ name: String,
        _ script: RedisScript,
        keys: [String],
        arguments: [any RedisArgumentConvertible]
    ) async throws -> RESPValue {
        var command = RedisCommand(name, script.sha1, String(keys.count))
        for key in keys { command.append(key) }
        for argument in arguments { argument.appendAsArgument(to: &command) }
        do {
            return try await send(command)
        } catch let error as RedisError where error.serverCode == "NOSCRIPT" {
            try await loadScript(script)
            return try await send(command)
        }
    }
}
