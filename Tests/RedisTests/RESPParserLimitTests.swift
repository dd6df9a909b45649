import NIOCore
import Redis
import Testing

@Suite("RESP parser limits and malformed input")
struct RESPParserLimitTests {
    /// Feeds `bytes` whole and expects a protocol error whose message contains `fragment`.
    func expectProtocolError(
        _ bytes: String,
        _ fragment: String,
        configuration: RESPParser.Configuration = .init(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var parser = RESPParser(configuration: configuration)
        parser.append(ByteBuffer(string: bytes))
        do {
            while try parser.next() != nil {}
            Issue.record("no error for \(bytes.debugDescription)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .protocolError, sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            // The parser stays failed.
            #expect(throws: RedisError.self, sourceLocation: sourceLocation) { try parser.next() }
        }
    }

    @Test("a bulk string over the maximum length is refused from its header, before its bytes arrive")
    func bulkLimit() throws {
        let limits = RESPParser.Configuration(maximumBulkLength: 10)
        expectProtocolError("$11\r\n", "bulk length 11 exceeds the maximum 10", configuration: limits)
        expectProtocolError("!11\r\n", "exceeds the maximum", configuration: limits)
        expectProtocolError("=11\r\n", "exceeds the maximum", configuration: limits)
        var parser = RESPParser(configuration: limits)
        parser.append(ByteBuffer(string: "$10\r\n0123456789\r\n"))
        #expect(try parser.next() == .bulkString(ByteBuffer(string: "0123456789")))
        // The default is 512 MiB.
        expectProtocolError("$536870913\r\n", "exceeds the maximum 536870912")
        expectProtocolError("$99999999999999999999999\r\n", "invalid bulk length")
    }

    @Test("an aggregate over the maximum element count is refused")
    func aggregateLimit() throws {
        let limits = RESPParser.Configuration(maximumAggregateLength: 3)
        for type in ["*", "~", ">", "%", "|"] {
            expectProtocolError("\(type)4\r\n", "aggregate length 4 exceeds the maximum 3", configuration: limits)
        }
        var parser = RESPParser(configuration: limits)
        parser.append(ByteBuffer(string: "*3\r\n:1\r\n:2\r\n:3\r\n"))
        #expect(try parser.next()?.elements?.count == 3)
        expectProtocolError("*9223372036854775807\r\n", "exceeds the maximum 16777216")
    }

    @Test("nesting deeper than the maximum depth is refused, without recursion")
    func depthLimit() throws {
        let limits = RESPParser.Configuration(maximumDepth: 3)
        var parser = RESPParser(configuration: limits)
        parser.append(ByteBuffer(string: "*1\r\n*1\r\n*1\r\n:1\r\n"))
        #expect(try parser.next() == .array([.array([.array([.integer(1)])])]))
        expectProtocolError("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", "deeper than the maximum depth 3", configuration: limits)
        expectProtocolError("*1\r\n%1\r\n~1\r\n|1\r\n", "deeper than the maximum depth 3", configuration: limits)
        // A million levels under the default limit of 64: an error, not a stack overflow.
        expectProtocolError(String(repeating: "*1\r\n", count: 1_000_000), "deeper than the maximum depth 64")
    }

    @Test("a line over the maximum length is refused even when its end never comes")
    func lineLimit() throws {
        let limits = RESPParser.Configuration(maximumLineLength: 8)
        expectProtocolError("+1234567890", "line longer than the maximum 8", configuration: limits)
        expectProtocolError("+123456789\r\n", "line longer than the maximum 8", configuration: limits)
        expectProtocolError("-ERR 56789\r\n", "line longer", configuration: limits)
        var parser = RESPParser(configuration: limits)
        parser.append(ByteBuffer(string: "+12345678\r\n"))
        #expect(try parser.next() == .simpleString("12345678"))
    }

    @Test(
        "malformed input is a protocol error",
        arguments: [
            ("?x\r\n", "unknown type byte 0x3f"),
            ("+OK\n", "LF without CR"),
            ("\n", "unknown type byte 0xa"),
            ("+\n", "LF without CR"),
            ("$3\r\nabcd\r\n", "not followed by CRLF"),
            (":12a\r\n", "invalid integer"),
            (":\r\n", "invalid integer"),
            (":-\r\n", "invalid integer"),
            (":9223372036854775808\r\n", "invalid integer"),
            (",abc\r\n", "invalid double"),
            (",0x1p3\r\n", "invalid double"),
            (",\r\n", "invalid double"),
            ("#x\r\n", "invalid boolean"),
            ("#tt\r\n", "invalid boolean"),
            ("(12a\r\n", "invalid big number"),
            ("(\r\n", "invalid big number"),
            ("_x\r\n", "null with content"),
            ("$-2\r\n", "negative bulk length"),
            ("*-2\r\n", "negative aggregate length"),
            ("!-1\r\n", "null length outside a bulk string"),
            ("%-1\r\n", "null length outside an array"),
            ("$?\r\n", "streamed"),
            ("*?\r\n", "streamed"),
            ("$x\r\n", "invalid bulk length"),
            ("=3\r\ntxt\r\n", "verbatim string without a three-letter format"),
        ]
    )
    func malformed(bytes: String, fragment: String) {
        expectProtocolError(bytes, fragment)
    }
}
