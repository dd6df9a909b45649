/// A job's identifier: a positive number assigned by the store at enqueue, unique within the store.
public struct JobID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The number.
    public var rawValue: Int64

    /// Wraps a number.
    public init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// Parses a decimal ID (as in a URL path); `nil` unless it is a positive 64-bit number.
    public init?(_ text: some StringProtocol) {
        guard text.count <= 19, text.allSatisfy(\.isASCII), let value = Int64(text), value > 0 else { return nil }
        self.rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}
