/// A stream entry's ID, `<milliseconds>-<sequence>` (such as `1700000000000-0`): ordered as the stream orders
/// entries.
public struct RedisStreamID: Hashable, Comparable, Sendable, LosslessStringConvertible, RedisArgumentConvertible {
    /// The Unix time in milliseconds the entry was added at (for IDs the server generated).
    public var milliseconds: UInt64
    /// The entry's number among the entries of the same millisecond.
    public var sequence: UInt64

    /// `0-0`: before every entry (read a stream from its start, a group's whole pending list).
    public static let zero = RedisStreamID(milliseconds: 0, sequence: 0)

    /// Creates an ID from its parts.
    public init(milliseconds: UInt64, sequence: UInt64 = 0) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Parses `<milliseconds>-<sequence>`, or `<milliseconds>` alone (sequence 0); `nil` for anything else.
    public init?(_ description: String) {
        let parts = description.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let milliseconds = parts.first.flatMap({ UInt64($0) }) else { return nil }
        if parts.count == 1 {
            self.init(milliseconds: milliseconds)
            return
        }
        guard let sequence = UInt64(parts[1]) else { return nil }
        self.init(milliseconds: milliseconds, sequence: sequence)
    }

    /// `<milliseconds>-<sequence>`.
    public var description: String { "\(milliseconds)-\(sequence)" }

    /// Orders by milliseconds, then sequence.
    public static func < (lhs: RedisStreamID, rhs: RedisStreamID) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }

    /// Appends `<milliseconds>-<sequence>`.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(description) }
}

extension RedisStreamID {
    /// Reads an ID from a bulk or simple string.
    init?(reply: RESPValue) {
        guard let string = reply.string else { return nil }
        self.init(string)
    }
}
