public import NIOCore

/// An incremental RESP2/RESP3 parser: a pure state machine over bytes, with no I/O.
///
/// Feed it bytes as they arrive with ``append(_:)`` and take complete replies with ``next()``. A reply split across
/// any number of reads parses exactly as when it arrives whole.
///
/// Guarantees:
/// - Linear work in the bytes received: elements are consumed as soon as they are complete (a half-received array
///   is never re-parsed from its start), a bulk string of known length is not looked at again until all its bytes
///   are buffered, and a line is never re-scanned for its terminator.
/// - Bounded: bulk lengths, line lengths, aggregate element counts and nesting depth are limited
///   (``Configuration``); memory grows only with bytes actually received, never with a length the server claims.
/// - Malformed input or a broken limit throws a ``RedisError`` with code ``RedisError/Code/protocolError``; after
///   that the parser stays failed and every ``next()`` throws the same error.
public struct RESPParser: Sendable {
    /// The parser's limits.
    public struct Configuration: Hashable, Sendable {
        /// The longest bulk string, blob error or verbatim string accepted, in bytes (default 512 MiB, Redis's own).
        public var maximumBulkLength: Int
        /// The most elements an array, set or push message may have, and the most entries in a map or attributes
        /// (default 16,777,216).
        public var maximumAggregateLength: Int
        /// The deepest nesting of aggregates (an array inside an array is depth 2; default 64).
        public var maximumDepth: Int
        /// The longest line (simple string, error, number) in bytes, without its `\r\n` (default 1 MiB).
        public var maximumLineLength: Int

        /// Creates a configuration; every limit has a default.
        public init(
            maximumBulkLength: Int = 512 * 1024 * 1024,
            maximumAggregateLength: Int = 16 * 1024 * 1024,
            maximumDepth: Int = 64,
            maximumLineLength: Int = 1024 * 1024
        ) {
            self.maximumBulkLength = maximumBulkLength
            self.maximumAggregateLength = maximumAggregateLength
            self.maximumDepth = maximumDepth
            self.maximumLineLength = maximumLineLength
        }
    }

    /// The limits this parser enforces.
    public let configuration: Configuration

    private var buffer = ByteBuffer()
    /// The aggregates being filled, innermost last.
    private var stack: [Frame] = []
    /// Readable bytes needed before the element at the reader index can complete (a bulk string's whole length).
    private var neededBytes = 0
    /// How many readable bytes have already been scanned for the current line's `\n`.
    private var scannedBytes = 0
    private var failure: RedisError?

    /// Creates a parser.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The bytes received but not yet consumed by a complete element.
    public var bufferedByteCount: Int { buffer.readableBytes }

    /// Adds received bytes.
    public mutating func append(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        if buffer.readableBytes == 0 {
            buffer = bytes
            return
        }
        if buffer.readerIndex >= 64 * 1024 && buffer.readerIndex >= buffer.readableBytes {
            buffer.discardReadBytes()
        }
        buffer.writeImmutableBuffer(bytes)
    }

    /// The next complete reply, or `nil` when more bytes are needed.
    /// - Throws: ``RedisError`` with code ``RedisError/Code/protocolError`` for malformed input or a broken limit.
    public mutating func next() throws(RedisError) -> RESPValue? {
        if let failure { throw failure }
        do {
            return try parseNext()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func parseNext() throws(RedisError) -> RESPValue? {
        while true {
            guard buffer.readableBytes >= max(neededBytes, 1) else { return nil }
            guard let step = try parseElement() else { return nil }
            neededBytes = 0
            scannedBytes = 0
            var value: RESPValue
            switch step {
            case .start(let frame):
                guard stack.count < configuration.maximumDepth else {
                    throw .protocolViolation("nesting deeper than the maximum depth \(configuration.maximumDepth)")
                }
                if frame.remaining > 0 {
                    stack.append(frame)
                    continue
                }
                if case .attributes = frame.kind {
                    stack.append(Frame(kind: .attributed([]), remaining: 1))
                    continue
                }
                value = frame.build()
            case .value(let complete):
                value = complete
            }
            // Hand the complete value up through every aggregate it completes.
            while !stack.isEmpty {
                let last = stack.count - 1
                stack[last].elements.append(value)
                stack[last].remaining -= 1
                guard stack[last].remaining == 0 else { break }
                let frame = stack.removeLast()
                if case .attributes = frame.kind {
                    // Attributes describe the element that follows them: wait for it.
                    stack.append(Frame(kind: .attributed(frame.entries), remaining: 1))
                    break
                }
                value = frame.build()
            }
            if stack.isEmpty { return value }
        }
    }

    private enum Step {
        case value(RESPValue)
        case start(Frame)
    }

    /// Parses the element at the reader index; `nil` when it is not complete yet (nothing is consumed then).
    private mutating func parseElement() throws(RedisError) -> Step? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        guard Self.types.contains(type) else {
            throw .protocolViolation("unknown type byte 0x\(String(type, radix: 16))")
        }
        guard let lineLength = try findLine() else { return nil }
        let headerLength = lineLength + 3  // type byte, line, \r\n
        let lineStart = buffer.readerIndex + 1

        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "#"),
            UInt8(ascii: "("), UInt8(ascii: "_"):
            let value = try parseLine(type: type, at: lineStart, length: lineLength)
            buffer.moveReaderIndex(forwardBy: headerLength)
            return .value(value)

        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            let length = try parseLength(at: lineStart, length: lineLength, what: "bulk length")
            if length == -1 {
                guard type == UInt8(ascii: "$") else { throw .protocolViolation("a null length outside a bulk string") }
                buffer.moveReaderIndex(forwardBy: headerLength)
                return .value(.nullBulkString)
            }
            guard length >= 0 else { throw .protocolViolation("negative bulk length \(length)") }
            guard length <= configuration.maximumBulkLength else {
                throw .protocolViolation(
                    "bulk length \(length) exceeds the maximum \(configuration.maximumBulkLength)"
                )
            }
            let total = headerLength + length + 2
            guard buffer.readableBytes >= total else {
                neededBytes = total
                return nil
            }
            let dataStart = buffer.readerIndex + headerLength
            guard buffer.getInteger(at: dataStart + length, as: UInt16.self) == 0x0D0A else {
                throw .protocolViolation("bulk data not followed by CRLF")
            }
            let value: RESPValue
            if type == UInt8(ascii: "$") {
                buffer.moveReaderIndex(forwardBy: headerLength)
                value = .bulkString(buffer.readSlice(length: length)!)
                buffer.moveReaderIndex(forwardBy: 2)
                return .value(value)
            }
            let text = buffer.getString(at: dataStart, length: length)!
            buffer.moveReaderIndex(forwardBy: total)
            if type == UInt8(ascii: "!") { return .value(.error(RESPValue.ErrorReply(parsing: text))) }
            let utf8 = Array(text.utf8)
            guard utf8.count >= 4, utf8[3] == UInt8(ascii: ":") else {
                throw .protocolViolation("verbatim string without a three-letter format")
            }
            return .value(
                .verbatimString(
                    format: String(decoding: utf8[0..<3], as: UTF8.self),
                    text: String(decoding: utf8[4...], as: UTF8.self)
                )
            )

        case UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
            let count = try parseLength(at: lineStart, length: lineLength, what: "aggregate length")
            if count == -1 {
                guard type == UInt8(ascii: "*") else { throw .protocolViolation("a null length outside an array") }
                buffer.moveReaderIndex(forwardBy: headerLength)
                return .value(.nullArray)
            }
            guard count >= 0 else { throw .protocolViolation("negative aggregate length \(count)") }
            guard count <= configuration.maximumAggregateLength else {
                throw .protocolViolation(
                    "aggregate length \(count) exceeds the maximum \(configuration.maximumAggregateLength)"
                )
            }
            let kind: Frame.Kind =
                switch type {
                case UInt8(ascii: "*"): .array
                case UInt8(ascii: "%"): .map
                case UInt8(ascii: "~"): .set
                case UInt8(ascii: ">"): .push
                default: .attributes
                }
            let isPaired = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
            buffer.moveReaderIndex(forwardBy: headerLength)
            return .start(Frame(kind: kind, remaining: isPaired ? count * 2 : count))

        default:
            throw .protocolViolation("unknown type byte 0x\(String(type, radix: 16))")
        }
    }

    private static let types = Set("+-:,#(_$!=*%~>|".utf8)

    /// The length of the line after the type byte, without `\r\n`; `nil` when its end has not arrived yet.
    private mutating func findLine() throws(RedisError) -> Int? {
        let readable = buffer.readableBytes
        let start = max(scannedBytes, 1)
        let newline: Int? = buffer.withUnsafeReadableBytes { bytes in
            guard start < bytes.count else { return nil }
            return bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
        }
        guard let newline else {
            scannedBytes = readable
            if readable - 1 > configuration.maximumLineLength + 1 {
                throw .protocolViolation("line longer than the maximum \(configuration.maximumLineLength) bytes")
            }
            return nil
        }
        guard newline >= 2, buffer.getInteger(at: buffer.readerIndex + newline - 1, as: UInt8.self) == 0x0D else {
            throw .protocolViolation("line terminated by LF without CR")
        }
        let length = newline - 2
        guard length <= configuration.maximumLineLength else {
            throw .protocolViolation("line longer than the maximum \(configuration.maximumLineLength) bytes")
        }
        return length
    }

    private func parseLine(type: UInt8, at index: Int, length: Int) throws(RedisError) -> RESPValue {
        switch type {
        case UInt8(ascii: "+"):
            return .simpleString(buffer.getString(at: index, length: length)!)
        case UInt8(ascii: "-"):
            return .error(RESPValue.ErrorReply(parsing: buffer.getString(at: index, length: length)!))
        case UInt8(ascii: ":"):
            guard let value = parseInteger(at: index, length: length) else {
                throw .protocolViolation("invalid integer")
            }
            return .integer(value)
        case UInt8(ascii: ","):
            let text = buffer.getString(at: index, length: length)!
            guard let value = Self.parseDouble(text) else { throw .protocolViolation("invalid double") }
            return .double(value)
        case UInt8(ascii: "#"):
            switch length == 1 ? buffer.getInteger(at: index, as: UInt8.self) : nil {
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            default: throw .protocolViolation("invalid boolean")
            }
        case UInt8(ascii: "("):
            let text = buffer.getString(at: index, length: length)!
            let digits =
                text.utf8.first == UInt8(ascii: "-") || text.utf8.first == UInt8(ascii: "+")
                ? text.utf8.dropFirst() : text.utf8[...]
            guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                throw .protocolViolation("invalid big number")
            }
            return .bigNumber(text)
        default:  // "_"
            guard length == 0 else { throw .protocolViolation("null with content") }
            return .null
        }
    }

    private static func parseDouble(_ text: String) -> Double? {
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            // Digits, sign, point and exponent only: `Double(_:)` alone would also take "0x1p3" or "infinity".
            guard !text.isEmpty,
                text.utf8.allSatisfy({
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
                        || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
                        || $0 == UInt8(ascii: "E")
                })
            else { return nil }
            return Double(text)
        }
    }

    /// A decimal `Int64` with an optional leading `-`; `nil` when malformed or out of range.
    private func parseInteger(at index: Int, length: Int) -> Int64? {
        guard length > 0, length <= 20 else { return nil }
        var value: Int64 = 0
        var negative = false
        var offset = 0
        let first = buffer.getInteger(at: index, as: UInt8.self)
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            offset = 1
            guard length > 1 else { return nil }
        }
        while offset < length {
            guard let byte = buffer.getInteger(at: index + offset, as: UInt8.self),
                byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9")
            else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) =
                negative ? multiplied.subtractingReportingOverflow(digit) : multiplied.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = added
            offset += 1
        }
        return value
    }

    private func parseLength(at index: Int, length: Int, what: String) throws(RedisError) -> Int {
        if length == 1, buffer.getInteger(at: index, as: UInt8.self) == UInt8(ascii: "?") {
            throw .protocolViolation("streamed RESP3 types are not supported")
        }
        guard let value = parseInteger(at: index, length: length), let result = Int(exactly: value) else {
            throw .protocolViolation("invalid \(what)")
        }
        return result
    }
}

extension RESPParser {
    /// An aggregate being filled.
    fileprivate struct Frame: Sendable {
        enum Kind: Sendable {
            case array, map, set, push, attributes
            /// Attributes received, waiting for the element they describe.
            case attributed([RESPValue.MapEntry])
        }
        var kind: Kind
        /// Elements still to come (keys and values count separately in maps and attributes).
        var remaining: Int
        var elements: [RESPValue]

        init(kind: Kind, remaining: Int) {
            self.kind = kind
            self.remaining = remaining
            self.elements = []
            // Reserve for what is likely, never for what a hostile server claims.
            self.elements.reserveCapacity(min(remaining, 1024))
        }

        var entries: [RESPValue.MapEntry] {
            stride(from: 0, to: elements.count - 1, by: 2).map {
                RESPValue.MapEntry(key: elements[$0], value: elements[$0 + 1])
            }
        }

        func build() -> RESPValue {
            switch kind {
            case .array: .array(elements)
            case .map: .map(entries)
            case .set: .set(elements)
            case .push: .push(elements)
            case .attributes: .attributed(attributes: entries, value: .null)  // never built: see parseNext
            case .attributed(let attributes): .attributed(attributes: attributes, value: elements[0])
            }
        }
    }
}
