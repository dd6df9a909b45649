/// An entity tag (RFC 9110 §8.8.3): an opaque quoted string, strong or weak (`W/"…"`).
public struct HTTPEntityTag: Hashable, Sendable, CustomStringConvertible {
    /// The opaque tag, without the quotes.
    public var opaqueTag: String
    /// Whether the tag is weak (`W/` prefix).
    public var isWeak: Bool

    /// Creates an entity tag.
    /// - Parameters:
    ///   - opaqueTag: the characters between the quotes; must not contain `"`, spaces or control characters.
    ///   - isWeak: whether the tag is weak.
    public init(_ opaqueTag: String, isWeak: Bool = false) {
        self.opaqueTag = opaqueTag
        self.isWeak = isWeak
    }

    /// Parses a single entity tag such as `"xyzzy"` or `W/"xyzzy"`; surrounding whitespace is ignored.
    /// - Parameter text: the field value.
    /// - Returns: the tag, or `nil` when the text is not exactly one valid entity tag.
    public init?(parsing text: some StringProtocol) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.skipWhitespace()
        guard let tag = scanner.entityTag() else { return nil }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { return nil }
        self = tag
    }

    /// The field-value form: `"tag"` or `W/"tag"`.
    public var description: String {
        (self.isWeak ? "W/" : "") + "\"" + self.opaqueTag + "\""
    }

    /// Strong comparison: both strong and the same opaque tag (RFC 9110 §8.8.3.2).
    /// - Parameter other: the tag to compare with.
    public func strongMatches(_ other: HTTPEntityTag) -> Bool {
        !self.isWeak && !other.isWeak && self.opaqueTag == other.opaqueTag
    }

    /// Weak comparison: the same opaque tag, whatever the weakness (RFC 9110 §8.8.3.2).
    /// - Parameter other: the tag to compare with.
    public func weakMatches(_ other: HTTPEntityTag) -> Bool {
        self.opaqueTag == other.opaqueTag
    }

    /// A byte scanner for entity tags and lists of them.
    struct Scanner {
        var bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { self.index >= self.bytes.count }

        mutating func skipWhitespace() {
            while !self.isAtEnd, self.bytes[self.index] == UInt8(ascii: " ") || self.bytes[self.index] == 0x09 {
                self.index += 1
            }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard !self.isAtEnd, self.bytes[self.index] == byte else { return false }
            self.index += 1
            return true
        }

        mutating func entityTag() -> HTTPEntityTag? {
            let start = self.index
            let weak = self.consume(UInt8(ascii: "W")) && self.consume(UInt8(ascii: "/"))
            if !weak { self.index = start }
            guard self.consume(UInt8(ascii: "\"")) else { return nil }
            let tagStart = self.index
            while !self.isAtEnd, self.bytes[self.index] != UInt8(ascii: "\"") {
                let byte = self.bytes[self.index]
                guard byte == 0x21 || (byte >= 0x23 && byte != 0x7F) else { return nil }
                self.index += 1
            }
            let tagEnd = self.index
            guard self.consume(UInt8(ascii: "\"")) else { return nil }
            return HTTPEntityTag(String(decoding: self.bytes[tagStart..<tagEnd], as: UTF8.self), isWeak: weak)
        }
    }
}
