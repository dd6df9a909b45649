public import HTTPTypes

/// The secondary cache key of a response: the request fields it varies on (RFC 9111 §4.1).
public struct HTTPCacheVary: Hashable, Sendable {
    /// The lowercased field names listed in `Vary`, in order, without duplicates.
    public var fieldNames: [String]
    /// Whether `Vary` contains `*`: the response never matches a later request.
    public var isWildcard: Bool

    /// Reads every `Vary` field line of a response.
    /// - Parameter responseFields: the response header fields.
    public init(_ responseFields: HTTPFields) {
        var names: [String] = []
        var wildcard = false
        for member in HTTPFieldListParser.members(responseFields[values: .vary]) {
            let name = member.lowercased()
            if name == "*" {
                wildcard = true
            } else if HTTPFieldListParser.isToken(name), !names.contains(name) {
                names.append(name)
            }
        }
        self.fieldNames = names
        self.isWildcard = wildcard
    }

    /// The request's normalised values for ``fieldNames``, in order (`nil` where the field is absent).
    /// - Parameter requestFields: the request header fields.
    public func values(from requestFields: HTTPFields) -> [String?] {
        self.fieldNames.map { Self.normalizedValue(of: $0, in: requestFields) }
    }

    /// The secondary key: one `name: value` line per field (`name` alone when absent); empty without `Vary`.
    /// - Parameter requestFields: the request header fields.
    public func secondaryKey(for requestFields: HTTPFields) -> String {
        Self.secondaryKey(names: self.fieldNames, values: self.values(from: requestFields))
    }

    /// A field's value as compared for `Vary`: all lines combined, members trimmed and joined with `,`; case kept.
    /// - Parameters:
    ///   - name: the field name.
    ///   - fields: the request header fields.
    public static func normalizedValue(of name: String, in fields: HTTPFields) -> String? {
        guard let fieldName = HTTPField.Name(name) else { return nil }
        let lines = fields[values: fieldName]
        guard !lines.isEmpty else { return nil }
        return HTTPFieldListParser.members(lines).joined(separator: ",")
    }

    /// Builds the secondary key string from names and normalised values.
    /// - Parameters:
    ///   - names: the lowercased field names.
    ///   - values: their normalised values.
    public static func secondaryKey(names: [String], values: [String?]) -> String {
        zip(names, values).map { name, value in value.map { "\(name): \($0)" } ?? name }.joined(separator: "\n")
    }
}

extension HTTPCacheMetadata {
    /// The secondary key of the stored variant (see ``HTTPCacheVary/secondaryKey(names:values:)``).
    public var secondaryKey: String {
        HTTPCacheVary.secondaryKey(names: self.varyFieldNames, values: self.varyValues)
    }

    /// Whether the stored variant was selected by the same values of its `Vary` fields as this request.
    /// - Parameter requestFields: the new request's header fields.
    public func matchesVary(_ requestFields: HTTPFields) -> Bool {
        self.varyFieldNames.map { HTTPCacheVary.normalizedValue(of: $0, in: requestFields) } == self.varyValues
    }
}
