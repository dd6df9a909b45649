import NIOCore
import Redis

/// Byte fixtures of every RESP2/RESP3 type and the values they parse to.
enum RESPFixtures {
    static func bulk(_ string: String) -> RESPValue { .bulkString(ByteBuffer(string: string)) }

    static let all: [(name: String, bytes: String, value: RESPValue)] = [
        ("simple string", "+OK\r\n", .simpleString("OK")),
        ("empty simple string", "+\r\n", .simpleString("")),
        (
            "error with code", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            .error(.init(code: "WRONGTYPE", message: "Operation against a key holding the wrong kind of value"))
        ),
        ("error without code", "-oops: lower case\r\n", .error(.init(code: nil, message: "oops: lower case"))),
        ("blob error", "!21\r\nSYNTAX invalid syntax\r\n", .error(.init(code: "SYNTAX", message: "invalid syntax"))),
        ("zero", ":0\r\n", .integer(0)),
        ("negative integer", ":-42\r\n", .integer(-42)),
        ("largest integer", ":9223372036854775807\r\n", .integer(.max)),
        ("smallest integer", ":-9223372036854775808\r\n", .integer(.min)),
        ("bulk string", "$5\r\nhello\r\n", bulk("hello")),
        ("empty bulk string", "$0\r\n\r\n", bulk("")),
        ("binary bulk string", "$6\r\na\r\nb\r\n\r\n", bulk("a\r\nb\r\n")),
        ("null bulk string", "$-1\r\n", .nullBulkString),
        ("array", "*3\r\n$3\r\nfoo\r\n:1\r\n+bar\r\n", .array([bulk("foo"), .integer(1), .simpleString("bar")])),
        ("empty array", "*0\r\n", .array([])),
        ("null array", "*-1\r\n", .nullArray),
        (
            "nested array", "*2\r\n*1\r\n*1\r\n:1\r\n*0\r\n",
            .array([.array([.array([.integer(1)])]), .array([])])
        ),
        ("null", "_\r\n", .null),
        ("double", ",3.141\r\n", .double(3.141)),
        ("double with exponent", ",-1.5e10\r\n", .double(-1.5e10)),
        ("integral double", ",10\r\n", .double(10)),
        ("infinity", ",inf\r\n", .double(.infinity)),
        ("negative infinity", ",-inf\r\n", .double(-.infinity)),
        ("true", "#t\r\n", .boolean(true)),
        ("false", "#f\r\n", .boolean(false)),
        (
            "big number", "(3492890328409238509324850943850943825024385\r\n",
            .bigNumber("3492890328409238509324850943850943825024385")
        ),
        ("negative big number", "(-12345678901234567890123\r\n", .bigNumber("-12345678901234567890123")),
        (
            "verbatim string", "=29\r\ntxt:This is a verbatim\nstring\r\n",
            .verbatimString(format: "txt", text: "This is a verbatim\nstring")
        ),
        ("empty verbatim string", "=4\r\nmkd:\r\n", .verbatimString(format: "mkd", text: "")),
        (
            "map", "%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n#f\r\n",
            .map([
                .init(key: .simpleString("first"), value: .integer(1)),
                .init(key: bulk("second"), value: .boolean(false)),
            ])
        ),
        ("empty map", "%0\r\n", .map([])),
        ("set", "~3\r\n:0\r\n:1\r\n:2\r\n", .set([.integer(0), .integer(1), .integer(2)])),
        (
            "push", ">3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$2\r\nhi\r\n",
            .push([bulk("message"), bulk("chan"), bulk("hi")])
        ),
        (
            "attribute", "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$5\r\nreply\r\n",
            .attributed(
                attributes: [.init(key: bulk("key-popularity"), value: .array([bulk("key:123"), .integer(90)]))],
                value: bulk("reply")
            )
        ),
        (
            "attribute inside an array", "*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n",
            .array([
                .attributed(attributes: [.init(key: .simpleString("ttl"), value: .integer(3600))], value: .integer(1)),
                .integer(2),
            ])
        ),
        ("empty attribute", "|0\r\n+OK\r\n", .attributed(attributes: [], value: .simpleString("OK"))),
    ]

    /// Every fixture, one after the other, as one stream.
    static var stream: ByteBuffer { ByteBuffer(string: all.map(\.bytes).joined()) }
    static var values: [RESPValue] { all.map(\.value) }
}

/// A small seeded generator (SplitMix64), so that a failing fuzz case reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RESPParser {
    /// Feeds `chunks` one by one, taking every complete reply after each; `nil` at the end means "needs more".
    mutating func parse(chunks: [ByteBuffer]) throws(RedisError) -> [RESPValue] {
        var values: [RESPValue] = []
        for chunk in chunks {
            append(chunk)
            while let value = try next() { values.append(value) }
        }
        return values
    }
}

extension ByteBuffer {
    /// The buffer cut at the given offsets.
    func split(at offsets: [Int]) -> [ByteBuffer] {
        var chunks: [ByteBuffer] = []
        var start = 0
        for offset in offsets.sorted() + [readableBytes] where offset >= start {
            chunks.append(getSlice(at: readerIndex + start, length: offset - start)!)
            start = offset
        }
        return chunks
    }
}
