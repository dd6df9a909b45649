public import Foundation

/// A PROGRESS.md file, parsed tolerantly and written back byte for byte.
///
/// The document keeps the file's lines exactly (each line's ending, CRLF or LF, a UTF-8 byte order mark, a missing
/// final newline). Its structure (project tables, headings, derived-figure lines, checklists) is found again from
/// those lines whenever it is needed, so extra prose, rows, columns and sections survive every change.
///
/// Every verb (``start(_:on:)``, ``complete(_:on:story:repository:skills:force:)``, …) returns a new document in
/// which only the lines it changes differ, and recomputes the derived figures (overall and section progress,
/// current status, last updated). A verb that throws changes nothing.
public struct ProgressDocument: Hashable, Sendable {
    var hasByteOrderMark: Bool
    var lines: [Line]

    /// Parses a file's bytes.
    /// - Throws: ``ProgressError/Code/invalidDocument`` naming the line, when the bytes are not UTF-8 or hold no
    ///   project table (a table whose header row has Status, Start and End columns).
    public init(data: some Collection<UInt8>) throws {
        var bytes = Array(data)[...]
        hasByteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasByteOrderMark { bytes = bytes.dropFirst(3) }
        lines = try Line.split(bytes)
        _ = try outline()
    }

    /// Parses a file's text.
    /// - Throws: ``ProgressError/Code/invalidDocument`` as ``init(data:)``.
    public init(text: String) throws {
        try self.init(data: Array(text.utf8))
    }

    /// The file's bytes: the original ones wherever nothing changed.
    public var data: Data {
        var bytes: [UInt8] = hasByteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        for line in lines {
            bytes.append(contentsOf: line.content.utf8)
            bytes.append(contentsOf: line.ending.utf8)
        }
        return Data(bytes)
    }

    /// The file's text (without the byte order mark).
    public var text: String {
        lines.map { $0.content + $0.ending }.joined()
    }

    func outline() throws -> Outline { try Outline(lines) }

    /// The line ending used for new lines: the most common one in the file.
    var newLineEnding: String {
        let crlf = lines.count { $0.ending == "\r\n" }
        let lf = lines.count { $0.ending == "\n" }
        return crlf > lf ? "\r\n" : "\n"
    }

    /// Inserts lines before `index`, keeping a missing final newline missing.
    mutating func insert(_ contents: [String], at index: Int) {
        guard !contents.isEmpty else { return }
        let ending = newLineEnding
        var new = contents.map { Line(content: $0, ending: ending) }
        if index == lines.count, let last = lines.last, last.ending.isEmpty {
            lines[lines.count - 1].ending = ending
            new[new.count - 1].ending = ""
        }
        lines.insert(contentsOf: new, at: index)
    }

    /// Replaces a line's text, keeping its ending.
    mutating func setContent(_ content: String, line index: Int) {
        lines[index].content = content
    }
}
