extension HTTPEntityTag {
    /// The value of an `If-None-Match` or `If-Match` field: `*` or a list of entity tags.
    public enum List: Hashable, Sendable {
        /// `*`: any current representation.
        case any
        /// A list of entity tags.
        case tags([HTTPEntityTag])

        /// Parses every field line of an `If-None-Match`/`If-Match` field.
        /// - Parameter lines: the field line values.
        /// - Returns: the list, or `nil` when a line is malformed (the condition is then ignored).
        public init?(lines: [String]) {
            var tags: [HTTPEntityTag] = []
            var sawAny = false
            for line in lines {
                var scanner = HTTPEntityTag.Scanner(bytes: Array(line.utf8))
                while true {
                    scanner.skipWhitespace()
                    if scanner.isAtEnd { break }
                    if scanner.consume(UInt8(ascii: ",")) { continue }
                    if scanner.consume(UInt8(ascii: "*")) {
                        sawAny = true
                    } else if let tag = scanner.entityTag() {
                        tags.append(tag)
                    } else {
                        return nil
                    }
                    scanner.skipWhitespace()
                    guard scanner.isAtEnd || scanner.consume(UInt8(ascii: ",")) else { return nil }
                }
            }
            if sawAny {
                guard tags.isEmpty else { return nil }
                self = .any
            } else {
                guard !tags.isEmpty else { return nil }
                self = .tags(tags)
            }
        }

        /// Whether the list matches the tag with weak comparison (for `If-None-Match`).
        /// - Parameter tag: the current tag of the representation, if it has one.
        public func weakMatches(_ tag: HTTPEntityTag?) -> Bool {
            switch self {
            case .any: true
            case .tags(let tags): tag.map { current in tags.contains { $0.weakMatches(current) } } ?? false
            }
        }

        /// Whether the list matches the tag with strong comparison (for `If-Match`).
        /// - Parameter tag: the current tag of the representation, if it has one.
        public func strongMatches(_ tag: HTTPEntityTag?) -> Bool {
            switch self {
            case .any: true
            case .tags(let tags): tag.map { current in tags.contains { $0.strongMatches(current) } } ?? false
            }
        }
    }
}
