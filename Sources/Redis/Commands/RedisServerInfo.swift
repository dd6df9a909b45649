/// The reply of `INFO`, parsed: sections (`server`, `clients`, `memory`, `keyspace`, …) of `name:value` fields.
///
/// ```swift
/// let info = try await redis.info("server", "memory")
/// let version = info["server", "redis_version"]          // "7.2.4"
/// let memory = info["memory", "used_memory"].flatMap(Int.init)
/// ```
public struct RedisServerInfo: Hashable, Sendable {
    /// One section: its fields in the order the server sent them.
    public struct Section: Hashable, Sendable {
        /// The section's name, lower-cased (`server` for `# Server`).
        public var name: String
        /// The section's fields, in the server's order.
        public var fields: [Field]

        /// Creates a section.
        public init(name: String, fields: [Field]) {
            self.name = name
            self.fields = fields
        }

        /// The value of the first field with this name, or `nil`.
        public subscript(field: String) -> String? {
            fields.first { $0.name == field }?.value
        }
    }

    /// One `name:value` line. Some values hold several values of their own (`db0:keys=1,expires=0,avg_ttl=0`).
    public struct Field: Hashable, Sendable {
        /// The text before the first colon.
        public var name: String
        /// The text after the first colon.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The sections, in the server's order.
    public var sections: [Section]

    /// Creates the information from its sections.
    public init(sections: [Section]) {
        self.sections = sections
    }

    /// Parses `INFO`'s text: `# Section` headers, `name:value` lines, blank lines between sections (`\r\n` or
    /// `\n` line ends). Lines before the first header go to a section named `""`; other lines are ignored.
    public init(parsing text: String) {
        var sections: [Section] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.hasPrefix("#") {
                let name = line.dropFirst().trimmingPrefix(while: { $0 == " " })
                sections.append(Section(name: name.lowercased(), fields: []))
            } else if let colon = line.firstIndex(of: ":") {
                let field = Field(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]))
                if sections.isEmpty { sections.append(Section(name: "", fields: [])) }
                sections[sections.count - 1].fields.append(field)
            }
        }
        self.init(sections: sections)
    }

    /// The section with this name (case-insensitive), or `nil`.
    public subscript(section: String) -> Section? {
        let name = section.lowercased()
        return sections.first { $0.name == name }
    }

    /// The value of a field of a section, or `nil`.
    public subscript(section: String, field: String) -> String? {
        self[section]?[field]
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[(firstIndex { !predicate($0) } ?? endIndex)...]
    }
}
