/// Text with `code` spans (Markdown's backticks) as parts a template renders, each one escaped: ``Part/code``
/// parts go in `<code>`, the others as text:
/// `{{#parts}}{{#code}}<code>{{text}}</code>{{/code}}{{^code}}{{text}}{{/code}}{{/parts}}`.
public struct InlineCode: Sendable {
    /// A run of text, in a code span or not.
    public struct Part: Hashable, Sendable {
        /// The text (unescaped: the template escapes it).
        public var text: String
        /// Whether it was between backticks.
        public var code: Bool
    }

    /// The parts of `text`, split at its backticks (an unpaired last backtick starts a code span to the end).
    /// - Parameter text: Text with Markdown `code` spans.
    public static func parts(of text: String) -> [Part] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { index, part in
            part.isEmpty ? nil : Part(text: String(part), code: !index.isMultiple(of: 2))
        }
    }
}
