internal import Foundation

extension ProgressDocument {
    /// The sections verbs add list items to.
    enum NamedSection: Sendable {
        case warStories, blogPosts, repositories, insights, reflections

        var keys: [String] {
            switch self {
            case .warStories: ["war stories"]
            case .blogPosts: ["blog posts", "blog"]
            case .repositories: ["github repositories", "repositories"]
            case .insights: ["notes & insights", "insights"]
            case .reflections: ["monthly reflection"]
            }
        }

        var title: String {
            switch self {
            case .warStories: "War Stories Collected"
            case .blogPosts: "Blog Posts Written"
            case .repositories: "GitHub Repositories"
            case .insights: "Notes & Insights"
            case .reflections: "Monthly Reflection"
            }
        }
    }

    /// Adds a blog post as a list item under "Blog Posts Written": `- [Title](URL) (date)`, naming the project if
    /// given.
    /// - Throws: ``ProgressError/Code/invalidArgument`` for an empty title or a URL that is not http(s) with a host;
    ///   ``ProgressError/Code/unknownProject``.
    public func addBlogPost(
        title: String,
        url: String,
        project: ProjectNumber? = nil,
        on date: CalendarDate
    ) throws -> ProgressDocument {
        try PlainText.validate(title, what: "blog post title")
        try PlainText.validate(url, what: "blog post URL")
        let title = try Self.nonEmpty(title, what: "blog post title")
            .replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
        let url = try Self.validatedURL(url)
        let about = try project.map { " — \(try projectLabel($0))" } ?? ""
        var document = self
        try document.addEntry("- [\(title)](\(url)) (\(date))\(about)", section: .blogPosts)
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    /// Adds an insight as a list item under "Notes & Insights": `- **date**: text`, naming the project if given.
    /// - Throws: ``ProgressError/Code/invalidArgument`` for an empty text; ``ProgressError/Code/unknownProject``.
    public func addInsight(
        _ text: String,
        project: ProjectNumber? = nil,
        on date: CalendarDate
    ) throws -> ProgressDocument {
        try PlainText.validate(text, what: "insight")
        let text = try Self.nonEmpty(text, what: "insight")
        let about = try project.map { " (\(try projectLabel($0)))" } ?? ""
        var document = self
        try document.addEntry("- **\(date)**\(about): \(text)", section: .insights)
        try document.recomputeDerivedFigures(lastUpdated: date)
        return document
    }

    /// `01 Distributed Rate Limiter`.
    func projectLabel(_ project: ProjectNumber) throws -> String {
        guard let row = try outline().projects.first(where: { $0.number == project.value }) else {
            throw ProgressError(code: .unknownProject, message: "there is no project \(project)")
        }
        return "\(project) \(Self.inline(row.name))"
    }

    /// Adds a list item at the end of a named section (after its last list item or its placeholder line, before the
    /// blank lines and `---` that close it); creates the section at the end of the file if it is missing.
    mutating func addEntry(_ item: String, section: NamedSection) throws {
        let outline = try outline()
        guard let heading = outline.heading(containing: section.keys) else {
            var new = ["## \(section.title)", "", item]
            if let last = lines.last, !last.trimmed.isEmpty { new.insert("", at: 0) }
            insert(new, at: lines.count)
            return
        }
        let end = entriesEnd(after: heading.line, outline: outline)
        var last = end - 1
        while last > heading.line, lines[last].trimmed.isEmpty || Self.isRule(lines[last].trimmed) { last -= 1 }
        if last > heading.line, Outline.isListItem(lines[last].trimmed) {
            insert([item], at: last + 1)
        } else {
            insert(["", item], at: last + 1)
        }
    }

    /// Where a named section's entries end: at its first thematic break (`---`, which closes each section of the
    /// seed, with the Last Updated line after the last one), else at the next heading of its level.
    func entriesEnd(after headingLine: Int, outline: Outline) -> Int {
        let end = outline.sectionEnd(headingLine: headingLine, lineCount: lines.count)
        return (headingLine + 1..<end).first { Self.isRule(lines[$0].trimmed) } ?? end
    }

    static func isRule(_ trimmed: String) -> Bool {
        let compact = trimmed.filter { $0 != " " }
        return compact.count >= 3
            && (compact.allSatisfy { $0 == "-" } || compact.allSatisfy { $0 == "*" }
                || compact.allSatisfy { $0 == "_" })
    }

    /// An absolute http(s) URL with a host and no spaces.
    static func validatedURL(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }),
            let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw ProgressError(code: .invalidArgument, message: "\"\(text)\" is not an http(s) URL with a host")
        }
        return trimmed
    }
}

extension Outline {
    static func isListItem(_ trimmed: String) -> Bool {
        trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ")
            || (trimmed.first?.isNumber ?? false && trimmed.contains(". "))
    }
}
