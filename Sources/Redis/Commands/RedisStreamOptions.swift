// Options of the stream commands.

/// How `XADD` and `XTRIM` cap a stream.
///
/// Approximate trimming (`~`, the default) removes whole internal nodes only, so the stream may keep a few more
/// entries than asked, but trimming costs far less; exact trimming (`=`) keeps exactly the limit.
public struct RedisStreamTrim: Hashable, Sendable {
    private enum Base: Hashable, Sendable {
        case maxLength(Int)
        case minID(RedisStreamID)
    }
    private let base: Base
    private let approximate: Bool
    private let limit: Int?

    /// `MAXLEN [~|=] count [LIMIT limit]`: keep at most `count` entries, dropping the oldest.
    /// - Parameters:
    ///   - approximate: `~` (the default) lets Redis keep a few more entries to trim cheaply.
    ///   - limit: With `approximate`, at most this many entries are removed per call (Redis's default when `nil`).
    public static func maxLength(_ count: Int, approximate: Bool = true, limit: Int? = nil) -> RedisStreamTrim {
        RedisStreamTrim(base: .maxLength(count), approximate: approximate, limit: limit)
    }

    /// `MINID [~|=] id [LIMIT limit]`: drop the entries older than `id` (for entries with server-made IDs: older
    /// than a point in time, such as `RedisStreamID(milliseconds: now - retention)`).
    /// - Parameters:
    ///   - approximate: `~` (the default) lets Redis keep a few older entries to trim cheaply.
    ///   - limit: With `approximate`, at most this many entries are removed per call.
    public static func minimumID(_ id: RedisStreamID, approximate: Bool = true, limit: Int? = nil) -> RedisStreamTrim {
        RedisStreamTrim(base: .minID(id), approximate: approximate, limit: limit)
    }

    func append(to command: inout RedisCommand) {
        switch base {
        case .maxLength(let count):
            command.append("MAXLEN")
            command.append(approximate ? "~" : "=")
            command.append(count)
        case .minID(let id):
            command.append("MINID")
            command.append(approximate ? "~" : "=")
            command.append(id.description)
        }
        if approximate, let limit {
            command.append("LIMIT")
            command.append(limit)
        }
    }
}

/// Where `XREAD` starts reading a stream, or where a new consumer group starts (`XGROUP CREATE`, `XGROUP SETID`).
public struct RedisStreamPosition: Hashable, Sendable, CustomStringConvertible {
    /// The ID as Redis reads it, or `$`.
    public let description: String

    /// After this ID: the entries with greater IDs (`.after(.zero)` is the whole stream).
    public static func after(_ id: RedisStreamID) -> RedisStreamPosition {
        RedisStreamPosition(description: id.description)
    }

    /// `$`: after the stream's last entry, so only entries added from now on (with `XREAD`, useful with a block
    /// time; then continue from the last ID received).
    public static let end = RedisStreamPosition(description: "$")
}

/// What `XREADGROUP` reads for a consumer.
public struct RedisStreamGroupPosition: Hashable, Sendable, CustomStringConvertible {
    /// `>` or an ID.
    public let description: String

    /// `>`: entries never delivered to any consumer of the group (they become pending for this consumer).
    public static let undelivered = RedisStreamGroupPosition(description: ">")

    /// This consumer's own pending entries (delivered but not acknowledged) with IDs greater than `id`: how a
    /// consumer recovers its work after a restart. Never blocks.
    public static func pending(after id: RedisStreamID = .zero) -> RedisStreamGroupPosition {
        RedisStreamGroupPosition(description: id.description)
    }
}

/// One end of an ID range (`XRANGE`, `XREVRANGE`, `XPENDING`).
public struct RedisStreamRangeBound: Hashable, Sendable, CustomStringConvertible {
    /// The bound as Redis reads it: `-`, `+`, an ID, or `(` and an ID.
    public let description: String

    /// `-`: the smallest ID.
    public static let minimum = RedisStreamRangeBound(description: "-")
    /// `+`: the greatest ID.
    public static let maximum = RedisStreamRangeBound(description: "+")

    /// From (or up to) this ID, itself included.
    public static func inclusive(_ id: RedisStreamID) -> RedisStreamRangeBound {
        RedisStreamRangeBound(description: id.description)
    }

    /// After (or before) this ID, itself excluded: the next page of a paged read.
    public static func exclusive(_ id: RedisStreamID) -> RedisStreamRangeBound {
        RedisStreamRangeBound(description: "(" + id.description)
    }
}
