extension ProgressDocument {
    /// A new progress document: the seed's structure with its 40 projects, all ⬜, in proper UTF-8 with LF line
    /// endings; `start` is the Start Date and Last Updated, the target twelve months later.
    public static func new(startingOn start: CalendarDate) -> ProgressDocument {
        // The template is a constant known to parse (the tests prove it): a failure here is a programming error.
        guard let document = try? ProgressDocument(text: ProgressTemplate.text(start: start)) else {
            preconditionFailure("the built-in progress template does not parse")
        }
        return document
    }

    /// The document with the mojibake of the status glyphs (Mac Roman and Windows-1252 readings of their UTF-8)
    /// replaced by proper UTF-8 everywhere (tables, legend, prose). Nothing else changes, not even Last Updated.
    public func repaired() -> ProgressDocument {
        var document = self
        for index in lines.indices {
            document.lines[index].content = Mojibake.repaired(lines[index].content)
        }
        return document
    }

    /// Whether ``repaired()`` would change anything.
    public var needsRepair: Bool { repaired() != self }
}
