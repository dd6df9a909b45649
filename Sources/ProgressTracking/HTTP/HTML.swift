import Foundation

/// Markdown table cells as parts for the page's templates (which escape every part): no HTML is built here.
enum HTML {
    /// One line of a cell; every line after the first follows a `<br>` in the file.
    struct Line: Hashable, Sendable {
        /// The line's text (unescaped: the template escapes it).
        var text: String
        /// Whether the template puts a `<br>` before it.
        var br: Bool
    }

    /// A Markdown table cell as lines: `\|` unescaped, split at its `<br>`s. The template renders
    /// `{{#lines}}{{#br}}<br>{{/br}}{{text}}{{/lines}}`.
    static func cell(_ markdown: String) -> [Line] {
        markdown.replacingOccurrences(of: "\\|", with: "|")
            .components(separatedBy: "<br>")
            .enumerated()
            .map { index, text in Line(text: text, br: index > 0) }
    }
}
