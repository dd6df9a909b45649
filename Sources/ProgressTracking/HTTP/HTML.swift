import Foundation

/// HTML escaping for server-rendered pages: every text from the file goes through it.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in element content and quoted attributes.
    static func escape(_ text: some StringProtocol) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A Markdown table cell as HTML: `\|` unescaped, `<br>` kept as line breaks, everything else escaped.
    static func cell(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: "\\|", with: "|")
            .components(separatedBy: "<br>")
            .map { escape($0) }
            .joined(separator: "<br>")
    }
}
