/// The mojibake of the status glyphs found in progress files, and their repair.
///
/// A glyph's UTF-8 bytes read as Mac Roman (the seed file) or as Windows-1252 / Latin-1 and written again as UTF-8.
/// Only these exact sequences are replaced, so that a repair changes nothing else.
enum Mojibake {
    /// (mojibake, proper) pairs, longest first, so that ⏭️ wins over ⏭.
    static let replacements: [(String, String)] = {
        let pairs: [(String, String)] = [
            // Mac Roman: E2 AC 9C, F0 9F 9F A1, E2 9C 85, E2 8F AD EF B8 8F.
            ("\u{201A}\u{00A8}\u{00FA}", "\u{2B1C}"),
            ("\u{F8FF}\u{00FC}\u{00FC}\u{00B0}", "\u{1F7E1}"),
            ("\u{201A}\u{00FA}\u{00D6}", "\u{2705}"),
            ("\u{201A}\u{00E8}\u{2260}\u{00D4}\u{220F}\u{00E8}", "\u{23ED}\u{FE0F}"),
            ("\u{201A}\u{00E8}\u{2260}", "\u{23ED}"),
            // Windows-1252 (0x8F, undefined there, is either dropped or kept as U+008F).
            ("\u{00E2}\u{00AC}\u{0153}", "\u{2B1C}"),
            ("\u{00F0}\u{0178}\u{0178}\u{00A1}", "\u{1F7E1}"),
            ("\u{00E2}\u{0153}\u{2026}", "\u{2705}"),
            ("\u{00E2}\u{008F}\u{00AD}\u{00EF}\u{00B8}\u{008F}", "\u{23ED}\u{FE0F}"),
            ("\u{00E2}\u{00AD}\u{00EF}\u{00B8}", "\u{23ED}\u{FE0F}"),
            ("\u{00E2}\u{008F}\u{00AD}", "\u{23ED}"),
            ("\u{00E2}\u{00AD}", "\u{23ED}"),
            // Latin-1 (C1 controls kept as code points).
            ("\u{00E2}\u{00AC}\u{009C}", "\u{2B1C}"),
            ("\u{00F0}\u{009F}\u{009F}\u{00A1}", "\u{1F7E1}"),
            ("\u{00E2}\u{009C}\u{0085}", "\u{2705}"),
        ]
        return pairs.sorted { $0.0.unicodeScalars.count > $1.0.unicodeScalars.count }
    }()

    /// `text` with every known mojibake sequence replaced by its glyph.
    static func repaired(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x80 }) else { return text }
        // Work on scalars: Swift's String comparison is by grapheme and canonical equivalence, which could match
        // across a combining mark; mojibake is a precise scalar sequence.
        let scalars = Array(text.unicodeScalars)
        let patterns = replacements.map { (Array($0.0.unicodeScalars), $0.1) }
        var output = String.UnicodeScalarView()
        var index = 0
        outer: while index < scalars.count {
            for (pattern, glyph) in patterns
            where scalars.count - index >= pattern.count && scalars[index] == pattern[0]
                && Array(scalars[index..<index + pattern.count]) == pattern
            {
                output.append(contentsOf: glyph.unicodeScalars)
                index += pattern.count
                continue outer
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }
}
