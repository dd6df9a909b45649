import NIOCore
import Platform
import Redis
import Testing

/// The parser's limits and the connection's failure handling, over a real socket: a fake server answers our
/// commands with hostile bytes.
@Suite("Redis connection against a fake server that sends hostile bytes")
struct RedisHostileServerTests {
    /// Small limits so the hostile replies stay small. Commands get 30 s: a limit that did not hold (a parser
    /// waiting for 2 GiB, or for the end of an endless line) would show as a `timeout` instead of a `protocolError`,
    /// so the error codes prove the refusals came at once, without a wall-clock bound that a loaded machine breaks.
    func configuration(port: Int) -> RedisConnection.Configuration {
        RedisConnection.Configuration(
            port: port,
            protocolVersion: .resp2,
            commandTimeout: .seconds(30),
            connectTimeout: .seconds(10),
            parser: RESPParser.Configuration(
                maximumBulkLength: 64 * 1024,
                maximumAggregateLength: 100,
                maximumDepth: 8,
                maximumLineLength: 1024
            )
        )
    }

    /// Sends three commands in one pipeline to a server that answers with `reply`, and checks that the first fails
    /// with `protocolError` saying `reason`, the two others with `connectionClosed`; that the connection is closed on
    /// both ends; and that a later command fails at once with `connectionClosed`, saying why.
    func expectProtocolError(
        reply: String,
        reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let server = try await FakeRedisServer.start(.reply(reply))
        defer { Task { await server.stop() } }
        let redis = try await RedisConnection.connect(configuration: configuration(port: server.port), logger: .test)
        defer { Task { await redis.close() } }

        let results = await redis.pipeline([
            RedisCommand("GET", "a"), RedisCommand("GET", "b"), RedisCommand("GET", "c"),
        ])
        #expect(results.count == 3, sourceLocation: sourceLocation)
        let errors = results.map { result -> RedisError? in
            if case .failure(let error) = result { error } else { nil }
        }
        #expect(errors.first??.code == .protocolError, "\(errors)", sourceLocation: sourceLocation)
        #expect(errors.first??.message.contains(reason) == true, "\(errors)", sourceLocation: sourceLocation)
        for error in errors.dropFirst() {
            #expect(error?.code == .connectionClosed, "\(errors)", sourceLocation: sourceLocation)
            #expect(error?.message.contains(reason) == true, "\(errors)", sourceLocation: sourceLocation)
        }

        try await waitUntil(timeout: .seconds(60)) { !redis.isActive && server.closedConnections == 1 }
        let later = await #expect(throws: RedisError.self, sourceLocation: sourceLocation) { try await redis.ping() }
        #expect(later?.code == .connectionClosed, sourceLocation: sourceLocation)
        #expect(later?.message.contains(reason) == true, "\(String(describing: later))", sourceLocation: sourceLocation)
    }

    @Test("a bulk string claiming 2 GiB is refused from its header, without waiting for the bytes")
    func hugeBulkLength() async throws {
        // Only the header and a few bytes arrive: waiting for 2 GiB would end in the 30 s timeout instead.
        try await expectProtocolError(
            reply: "$2147483648\r\nabc",
            reason: "bulk length 2147483648 exceeds the maximum 65536"
        )
    }

    @Test("a simple string line that never ends is refused at the line limit")
    func endlessLine() async throws {
        // 64 KiB without CRLF, then nothing: the parser must give up at 1 KiB rather than wait for the end.
        try await expectProtocolError(
            reply: "+" + String(repeating: "x", count: 64 * 1024),
            reason: "line longer than the maximum 1024 bytes"
        )
    }

    @Test("nesting deeper than the depth limit is refused")
    func deepNesting() async throws {
        try await expectProtocolError(
            reply: String(repeating: "*1\r\n", count: 1_000) + ":1\r\n",
            reason: "nesting deeper than the maximum depth 8"
        )
    }

    @Test("an aggregate count over the limit is refused from its header")
    func aggregateCount() async throws {
        try await expectProtocolError(reply: "*1000000\r\n", reason: "aggregate length 1000000 exceeds the maximum 100")
    }

    @Test("an unknown type byte is refused")
    func garbageType() async throws {
        try await expectProtocolError(reply: "?garbage\r\n", reason: "unknown type byte 0x3f")
    }

    @Test("a reply with no command waiting for it closes the connection")
    func unsolicitedReply() async throws {
        // The server answers the one command, then sends a second reply nobody asked for.
        let server = try await FakeRedisServer.start(.reply("+OK\r\n+SURPRISE\r\n"))
        defer { Task { await server.stop() } }
        let redis = try await RedisConnection.connect(configuration: configuration(port: server.port), logger: .test)
        defer { Task { await redis.close() } }

        #expect(try await redis.send(["PING"]) == .simpleString("OK"))
        // No command is left to take the protocol error: the connection closes, and later commands say why.
        try await waitUntil(timeout: .seconds(60)) { !redis.isActive && server.closedConnections == 1 }
        let later = await #expect(throws: RedisError.self) { try await redis.ping() }
        #expect(later?.code == .connectionClosed)
        #expect(later?.message.contains("protocol error (a reply arrived with no command waiting for it)") == true)
    }

    @Test("a server that accepts and never answers: the command times out, the others fail, nothing hangs")
    func silentServer() async throws {
        let server = try await FakeRedisServer.start(.silent)
        defer { Task { await server.stop() } }
        var configuration = configuration(port: server.port)
        configuration.commandTimeout = .milliseconds(300)
        let redis = try await RedisConnection.connect(configuration: configuration, logger: .test)
        defer { Task { await redis.close() } }

        let clock = ContinuousClock()
        let start = clock.now
        let results = await redis.pipeline([
            RedisCommand("GET", "a"), RedisCommand("GET", "b"), RedisCommand("GET", "c"),
        ])
        #expect(clock.now - start < .seconds(30))  // generous: the guarantee is the 300 ms timeout, not a hang
        let errors = results.map { result -> RedisError? in
            if case .failure(let error) = result { error } else { nil }
        }
        #expect(errors.count == 3)
        #expect(errors.first??.code == .timeout, "\(errors)")
        #expect(errors.first??.message.contains("no reply within 300 ms") == true, "\(errors)")
        for error in errors.dropFirst() { #expect(error?.code == .connectionClosed, "\(errors)") }
        try await waitUntil(timeout: .seconds(60)) { !redis.isActive && server.closedConnections == 1 }
        #expect(server.receivedBytes > 0)
    }
}
