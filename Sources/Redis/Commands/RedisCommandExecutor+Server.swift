extension RedisCommandExecutor {
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

    /// `INFO [section …]`: the server's information, parsed into sections of fields (a RESP2 bulk string or a
    /// RESP3 verbatim string alike).
    /// - Parameters:
    ///   - sections: The sections to ask for (`server`, `memory`, `all`, `everything`, …); Redis's default set
    ///     when empty.
    /// - Throws: ``RedisError``.
    public func info(_ sections: String...) async throws -> RedisServerInfo {
        let reply = try await send(RedisCommand("INFO", sections))
        guard let text = reply.string else { throw RedisError.unexpected(reply, command: "INFO") }
        return RedisServerInfo(parsing: text)
    }
}
