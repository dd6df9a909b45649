internal import Foundation

/// One line of the file: its text and the exact line ending that followed it (`"\r\n"`, `"\n"`, or `""` for a last
/// line without one).
struct Line: Hashable, Sendable {
    var content: String
    var ending: String

    /// The text without the Markdown indentation and trailing spaces.
    var trimmed: String {
        content.trimmingCharacters(in: .whitespaces)
    }

    /// Splits UTF-8 bytes (BOM already removed) into lines, keeping each line's ending.
    /// - Throws: ``ProgressError/Code/invalidDocument`` naming the line that is not valid UTF-8.
    static func split(_ bytes: some Collection<UInt8>) throws -> [Line] {
        var lines: [Line] = []
        var current: [UInt8] = []
        func flush(ending: String) throws {
            var body = current[...]
            var ending = ending
            if ending == "\n", body.last == 0x0D {
                body = body.dropLast()
                ending = "\r\n"
            }
            guard let text = String(validating: body, as: UTF8.self) else {
                throw ProgressError(
                    code: .invalidDocument,
                    message: "the file is not valid UTF-8",
                    line: lines.count + 1
                )
            }
            lines.append(Line(content: text, ending: ending))
            current.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            if byte == 0x0A { try flush(ending: "\n") } else { current.append(byte) }
        }
        if !current.isEmpty { try flush(ending: "") }
        return lines
    }
}

/// A Markdown heading: `## Title`.
struct Heading: Hashable, Sendable {
    var level: Int
    var title: String

    init?(_ line: String) {
        var level = 0
        var rest = Substring(line.drop { $0 == " " })
        while rest.first == "#" {
            level += 1
            rest = rest.dropFirst()
        }
        guard (1...6).contains(level), rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        self.level = level
        self.title = rest.trimmingCharacters(in: .whitespaces)
    }
}
