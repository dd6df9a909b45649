/// Splits PostgreSQL SQL text into its statements.
///
/// PostgresNIO runs every query through the extended query protocol, which accepts one statement per query, so a
/// migration holding several statements is split here and its statements run one by one inside the migration's
/// transaction. The splitter knows PostgreSQL's lexical rules for the places a `;` does not end a statement:
/// `'…'` strings (with `''`), `E'…'` strings (with `\'`), `"…"` identifiers, dollar-quoted strings (`$$…$$`,
/// `$tag$…$tag$`), `--` comments and nested `/* … */` comments. Statements holding only whitespace and comments are
/// dropped. Not supported: SQL-standard `BEGIN ATOMIC … END` function bodies (use a dollar-quoted body instead).
enum PostgresStatements {
    static func split(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var statements: [String] = []
        var start = 0
        var hasContent = false
        var index = 0

        func finish(at end: Int) {
            if hasContent {
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                statements.append(text.trimmingWhitespace())
            }
            start = end + 1
            hasContent = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: ";"):
                finish(at: index)
                index += 1
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                index = skipLineComment(bytes, from: index)
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index = skipBlockComment(bytes, from: index)
            case UInt8(ascii: "'"):
                let escapes =
                    index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e")
                    && (index < 2 || !isIdentifier(bytes[index - 2]))
                hasContent = true
                index = skipQuoted(bytes, from: index, quote: byte, backslashEscapes: escapes)
            case UInt8(ascii: "\""):
                hasContent = true
                index = skipQuoted(bytes, from: index, quote: byte, backslashEscapes: false)
            case UInt8(ascii: "$") where index == 0 || !isIdentifier(bytes[index - 1]):
                hasContent = true
                index = skipDollarQuoted(bytes, from: index)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                index += 1
            default:
                hasContent = true
                index += 1
            }
        }
        finish(at: bytes.count)
        return statements
    }

    private static func isIdentifier(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...:
            true
        default:
            false
        }
    }

    static func skipLineComment(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 2
        while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }

    /// PostgreSQL block comments nest.
    static func skipBlockComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*") && index + 1 < bytes.count
                && bytes[index + 1] == UInt8(ascii: "/")
            {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return index
    }

    /// Skips `'…'` or `"…"`, where a doubled quote stands for itself (and `\x` escapes in `E'…'` strings).
    private static func skipQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if backslashEscapes && byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote {
                    index += 2
                } else {
                    return index + 1
                }
            } else {
                index += 1
            }
        }
        return index
    }

    /// Skips `$tag$…$tag$`; a `$` that does not open a dollar quote (`$1`) is skipped alone.
    private static func skipDollarQuoted(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start + 1
        while end < bytes.count && bytes[end] != UInt8(ascii: "$") {
            let byte = bytes[end]
            let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            guard isIdentifier(byte) && !(isDigit && end == start + 1) else { return start + 1 }
            end += 1
        }
        guard end < bytes.count else { return start + 1 }
        let tag = bytes[start...end]
        var index = end + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$") && bytes[index...].starts(with: tag) {
                return index + tag.count
            }
            index += 1
        }
        return index
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

extension PostgresStatements {
    /// Keywords that control transactions: a migration must not contain them, since each migration runs in the
    /// transaction the migrator opens (a `COMMIT` inside it would make a failure leave half a migration behind).
    static let transactionKeywords: Set<String> = [
        "BEGIN", "COMMIT", "ROLLBACK", "START", "END", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE",
    ]

    /// The first word of a statement (upper-cased), after leading whitespace and comments.
    static func leadingKeyword(_ statement: String) -> String {
        let bytes = Array(statement.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "-") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-") {
                index = skipLineComment(bytes, from: index)
            } else if bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count
                && bytes[index + 1] == UInt8(ascii: "*")
            {
                index = skipBlockComment(bytes, from: index)
            } else if bytes[index] == UInt8(ascii: " ") || (9...13).contains(bytes[index]) {
                index += 1
            } else {
                break
            }
        }
        var end = index
        while end < bytes.count && (bytes[end] | 0x20) >= UInt8(ascii: "a") && (bytes[end] | 0x20) <= UInt8(ascii: "z")
        {
            end += 1
        }
        return String(decoding: bytes[index..<end], as: UTF8.self).uppercased()
    }
}
