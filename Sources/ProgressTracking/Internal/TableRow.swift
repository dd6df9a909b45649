internal import Foundation

/// The cells of a Markdown table row, as ranges into the line, so that one cell can be replaced and the rest of the
/// line kept byte for byte.
struct TableRow: Sendable {
    /// The ranges between the pipes (without the pipes), in order.
    let cells: [Range<String.Index>]
    let text: String

    /// Splits `text` at its unescaped pipes; `nil` when it holds no pipe.
    init?(_ text: String) {
        // As in GitHub Flavored Markdown: every `|` separates cells except one right after a backslash (inside code
        // spans too).
        var pipes: [String.Index] = []
        var previous: Character?
        for index in text.indices {
            if text[index] == "|", previous != "\\" { pipes.append(index) }
            previous = text[index]
        }
        guard !pipes.isEmpty else { return nil }
        var boundaries: [(String.Index, String.Index)] = []
        var start = text.startIndex
        for pipe in pipes {
            boundaries.append((start, pipe))
            start = text.index(after: pipe)
        }
        boundaries.append((start, text.endIndex))
        // A leading pipe leaves an empty (or blank) first segment, a trailing pipe an empty last one.
        if text[boundaries[0].0..<boundaries[0].1].allSatisfy(\.isWhitespace) { boundaries.removeFirst() }
        if let last = boundaries.last, text[last.0..<last.1].allSatisfy(\.isWhitespace), boundaries.count > 1 {
            boundaries.removeLast()
        }
        self.cells = boundaries.map { $0.0..<$0.1 }
        self.text = text
    }

    var count: Int { cells.count }

    /// The trimmed text of cell `column`, or `nil` when the row is shorter.
    func cell(_ column: Int) -> String? {
        guard column < cells.count else { return nil }
        return text[cells[column]].trimmingCharacters(in: .whitespaces)
    }

    /// The row's text with cell `column` replaced by ` value ` (keeping everything else).
    func replacing(_ column: Int, with value: String) -> String {
        var copy = text
        copy.replaceSubrange(cells[column], with: " \(value) ")
        return copy
    }

    /// Whether this is a delimiter row (`|---|:---:|`).
    var isDelimiter: Bool {
        cells.allSatisfy { range in
            let cell = text[range].trimmingCharacters(in: .whitespaces)
            return !cell.isEmpty && cell.allSatisfy { $0 == "-" || $0 == ":" } && cell.contains("-")
        }
    }
}
