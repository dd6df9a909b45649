import Dashboard
import Foundation

/// HTML escaping for server-rendered pages: every text from the file goes through it.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities (the dashboard's one escaping function).
    static func escape(_ text: some StringProtocol) -> String { DashboardRenderer.escape(text) }

    /// A Markdown table cell as HTML: `\|` unescaped, `<br>` kept as line breaks, everything else escaped.
    static func cell(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: "\\|", with: "|")
            .components(separatedBy: "<br>")
            .map { escape($0) }
            .joined(separator: "<br>")
    }
}
