/// The rule every text a verb writes to the file (or matches against it) must follow, so that it cannot break the
/// Markdown's line structure or hide in a terminal: no control characters other than tab and line breaks.
enum PlainText {
    /// Refuses `text` when it holds a C0 control character other than tab, line feed and a carriage return that
    /// ends a CRLF pair (so a lone CR is refused), DEL, a C1 control character (U+0080–U+009F, NEL included), or
    /// the Unicode line and paragraph separators U+2028/U+2029. Line breaks (LF, CRLF) are allowed: each verb turns
    /// them into `<br>` or a space, so the text stays on one line of the file.
    /// - Parameters:
    ///   - text: The text given by the user.
    ///   - what: What the text is, for the message ("note", "war story", …).
    /// - Throws: ``ProgressError/Code/invalidArgument`` naming the character's code point and position (the
    ///   character itself is never echoed).
    static func validate(_ text: String, what: String) throws {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            let refused: Bool
            switch value {
            case 0x09, 0x0A: refused = false
            case 0x0D: refused = index + 1 >= scalars.count || scalars[index + 1] != "\n"
            case 0x00...0x1F, 0x7F, 0x80...0x9F, 0x2028, 0x2029: refused = true
            default: refused = false
            }
            guard refused else { continue }
            let name =
                switch value {
                case 0x0D: "a carriage return not followed by a line feed"
                case 0x2028: "a line separator"
                case 0x2029: "a paragraph separator"
                default: "a control character"
                }
            throw ProgressError(
                code: .invalidArgument,
                message: "the \(what) contains \(name) (\(Self.codePoint(value)), character \(index + 1)); only "
                    + "tab and line breaks are allowed"
            )
        }
    }

    /// `U+001B`.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
