internal import Foundation

/// A project's number, 1–99, written with two digits (`01`).
public struct ProjectNumber: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The number, such as 1.
    public let value: Int

    /// Creates a project number.
    /// - Throws: ``ProgressError/Code/invalidArgument`` outside 1–99.
    public init(_ value: Int) throws {
        guard (1...99).contains(value) else {
            throw ProgressError(code: .invalidArgument, message: "project number \(value) is outside 1–99")
        }
        self.value = value
    }

    /// Parses `1` or `01` (digits only).
    /// - Throws: ``ProgressError/Code/invalidArgument`` naming the text otherwise.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 3, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(trimmed), (1...99).contains(value)
        else {
            throw ProgressError(
                code: .invalidArgument,
                message: "\"\(text)\" is not a project number (1–99, such as 1 or 01)"
            )
        }
        self.value = value
    }

    /// Two digits: `01`.
    public var description: String { value < 10 ? "0\(value)" : "\(value)" }

    /// Orders by number.
    public static func < (lhs: ProjectNumber, rhs: ProjectNumber) -> Bool { lhs.value < rhs.value }

    /// Decodes a number or a string such as `"01"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            try self.init(value)
        } else {
            try self.init(parsing: try container.decode(String.self))
        }
    }

    /// Encodes `"01"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension ProjectNumber {
    /// A number the outline already checked to be 1–99.
    init(unchecked value: Int) {
        precondition((1...99).contains(value), "project numbers are 1–99")
        self.value = value
    }
}
