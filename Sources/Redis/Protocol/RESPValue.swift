public import NIOCore

/// One reply from a Redis server: every RESP2 and RESP3 type.
///
/// RESP2 servers send only simple strings, errors, integers, bulk strings (or the null bulk string) and arrays (or the
/// null array). RESP3 (after `HELLO 3`) adds the other cases.
public indirect enum RESPValue: Hashable, Sendable {
    /// `+OK`: a short, binary-unsafe status string.
    case simpleString(String)
    /// `-ERR …` (simple error) or `!<len>` (RESP3 blob error): an error reply, its code split from its message.
    case error(ErrorReply)
    /// `:42`: a signed 64-bit integer.
    case integer(Int64)
    /// `$<len>`: a binary-safe string.
    case bulkString(ByteBuffer)
    /// `$-1`: RESP2's null bulk string (a missing key in RESP2).
    case nullBulkString
    /// `*<count>`: an ordered list of replies.
    case array([RESPValue])
    /// `*-1`: RESP2's null array (an aborted `EXEC`, a timed-out `BLPOP`).
    case nullArray
    /// `_`: RESP3's null.
    case null
    /// `,3.14`: a RESP3 double, including `inf`, `-inf` and `nan`.
    case double(Double)
    /// `#t` / `#f`: a RESP3 boolean.
    case boolean(Bool)
    /// `(3492890328409238509324850943850943825024385`: a RESP3 big number, kept as its decimal text.
    case bigNumber(String)
    /// `=<len>`: a RESP3 verbatim string: a three-letter format (`txt`, `mkd`) and the text.
    case verbatimString(format: String, text: String)
    /// `%<count>`: a RESP3 map, its entries in the order the server sent them.
    case map([MapEntry])
    /// `~<count>`: a RESP3 set, its members in the order the server sent them.
    case set([RESPValue])
    /// `><count>`: a RESP3 push message (pub/sub, client-side caching invalidation): out of band, never a reply.
    case push([RESPValue])
    /// `|<count>`: RESP3 attributes (auxiliary data) and the reply they were attached to.
    case attributed(attributes: [MapEntry], value: RESPValue)

    /// One key and value of a ``RESPValue/map(_:)`` or of attributes.
    public struct MapEntry: Hashable, Sendable {
        /// The key.
        public var key: RESPValue
        /// The value.
        public var value: RESPValue

        /// Creates an entry.
        public init(key: RESPValue, value: RESPValue) {
            self.key = key
            self.value = value
        }
    }

    /// An error reply: `WRONGTYPE Operation against a key holding the wrong kind of value` has the code `WRONGTYPE`.
    public struct ErrorReply: Hashable, Sendable, CustomStringConvertible {
        /// The leading upper-case word (`ERR`, `WRONGTYPE`, `NOAUTH`, `WRONGPASS`, `MOVED`), or `nil` when the text
        /// starts with something else.
        public var code: String?
        /// The text after the code (all of it when there is no code).
        public var message: String

        /// Creates an error reply from its parts.
        public init(code: String?, message: String) {
            self.code = code
            self.message = message
        }

        /// Splits an error line into its code and message.
        public init(parsing text: String) {
            let word = text.prefix(while: { $0 != " " })
            let isCode =
                !word.isEmpty
                && word.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                && word.unicodeScalars.first.map { ("A"..."Z").contains($0) } == true
            if isCode {
                self.code = String(word)
                self.message = String(text.dropFirst(word.count).drop(while: { $0 == " " }))
            } else {
                self.code = nil
                self.message = text
            }
        }

        /// The error as the server wrote it: `CODE message`.
        public var description: String { code.map { "\($0) \(message)" } ?? message }
    }
}

extension RESPValue {
    /// The text of a simple, bulk or verbatim string (bulk bytes decoded as UTF-8), or `nil` for other types.
    public var string: String? {
        switch self {
        case .simpleString(let string): string
        case .bulkString(let buffer): String(buffer: buffer)
        case .verbatimString(_, let text): text
        case .attributed(_, let value): value.string
        default: nil
        }
    }

    /// The value of an integer, or `nil` for other types.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .attributed(_, let value): value.integer
        default: nil
        }
    }

    /// True for RESP3's null and RESP2's null bulk string and null array.
    public var isNull: Bool {
        switch self {
        case .null, .nullBulkString, .nullArray: true
        case .attributed(_, let value): value.isNull
        default: false
        }
    }

    /// The elements of an array, set or push message, or `nil` for other types.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let elements), .set(let elements), .push(let elements): elements
        case .attributed(_, let value): value.elements
        default: nil
        }
    }

    /// The value without its attributes.
    public var withoutAttributes: RESPValue {
        if case .attributed(_, let value) = self { value.withoutAttributes } else { self }
    }
}
