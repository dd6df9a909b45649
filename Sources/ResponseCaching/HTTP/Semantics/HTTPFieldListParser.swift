/// Splits HTTP list-based field values (RFC 9110 §5.6.1) into members, respecting quoted strings.
enum HTTPFieldListParser {
    /// One `name[=value]` member of a parameter-style list such as `Cache-Control`.
    struct Directive: Hashable, Sendable {
        /// The name, lowercased.
        var name: String
        /// The raw value with quotes removed, or `nil` when no `=` was present.
        var value: String?
        /// Whether the value was written as a quoted string.
        var wasQuoted: Bool
        /// Whether the member was syntactically malformed (for example whitespace around `=`).
        var isMalformed: Bool
    }

    /// Splits the combined field lines into trimmed, non-empty members.
    static func members(_ lines: [String]) -> [String] {
        var result: [String] = []
        for line in lines {
            var current = ""
            var inQuotes = false
            var escaped = false
            for character in line {
                if escaped {
                    current.append(character)
                    escaped = false
                } else if inQuotes && character == "\\" {
                    current.append(character)
                    escaped = true
                } else if character == "\"" {
                    current.append(character)
                    inQuotes.toggle()
                } else if character == "," && !inQuotes {
                    Self.appendTrimmed(current, to: &result)
                    current = ""
                } else {
                    current.append(character)
                }
            }
            Self.appendTrimmed(current, to: &result)
        }
        return result
    }

    /// Parses every member as a directive.
    static func directives(_ lines: [String]) -> [Directive] {
        Self.members(lines).map(Self.directive(_:))
    }

    /// Parses `name`, `name=token` or `name="quoted"`.
    static func directive(_ member: String) -> Directive {
        guard let equals = member.firstIndex(of: "=") else {
            let name = member.lowercased()
            return Directive(name: name, value: nil, wasQuoted: false, isMalformed: !Self.isToken(name))
        }
        let rawName = member[..<equals]
        let rawValue = member[member.index(after: equals)...]
        let name = rawName.lowercased()
        var malformed = !Self.isToken(name)
        if rawValue.first == "\"" {
            let unquoted = Self.unquote(rawValue)
            return Directive(
                name: name,
                value: unquoted ?? "",
                wasQuoted: true,
                isMalformed: malformed || unquoted == nil
            )
        }
        malformed = malformed || !Self.isToken(rawValue)
        return Directive(name: name, value: String(rawValue), wasQuoted: false, isMalformed: malformed)
    }

    /// Removes the quotes and escapes of a quoted string, or returns `nil` if it is not one.
    static func unquote(_ text: Substring) -> String? {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return nil }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return escaped ? nil : result
    }

    /// Whether the text is a non-empty RFC 9110 token.
    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(Self.isTokenByte(_:))
    }

    /// Whether the byte is an RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func appendTrimmed(_ text: String, to result: inout [String]) {
        let trimmed = Self.trimmed(text)
        if !trimmed.isEmpty {
            result.append(trimmed)
        }
    }

    /// Trims optional whitespace (space and horizontal tab) from both ends.
    static func trimmed(_ text: some StringProtocol) -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isWhitespace($0) }),
            let end = text.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(text[start...end])
    }
}
