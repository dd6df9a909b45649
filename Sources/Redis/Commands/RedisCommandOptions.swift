// Options of the typed commands.

/// When a key set with `SET` expires.
public struct RedisExpiration: Hashable, Sendable {
    private enum Base: Hashable, Sendable {
        case seconds(Int)
        case milliseconds(Int)
    }
    private let base: Base

    /// `EX seconds`.
    public static func seconds(_ seconds: Int) -> RedisExpiration { RedisExpiration(base: .seconds(seconds)) }
    /// `PX milliseconds`.
    public static func milliseconds(_ milliseconds: Int) -> RedisExpiration {
        RedisExpiration(base: .milliseconds(milliseconds))
    }

    func append(to command: inout RedisCommand) {
        switch base {
        case .seconds(let value):
            command.append("EX")
            command.append(value)
        case .milliseconds(let value):
            command.append("PX")
            command.append(value)
        }
    }
}

/// When `SET` writes a key, or `ZADD` a member.
public struct RedisSetCondition: Hashable, Sendable {
    let argument: String

    /// `NX`: only when the key (for `ZADD`: the member) does not exist yet.
    public static let ifNotExists = RedisSetCondition(argument: "NX")
    /// `XX`: only when the key (for `ZADD`: the member) exists already.
    public static let ifExists = RedisSetCondition(argument: "XX")
}

/// When `ZADD` updates the score of a member that exists (new members are always added unless `XX` is given).
public struct RedisScoreComparison: Hashable, Sendable {
    let argument: String

    /// `GT`: only when the new score is greater than the current one (a high-score table).
    public static let ifGreater = RedisScoreComparison(argument: "GT")
    /// `LT`: only when the new score is less than the current one (the earliest run time of a job).
    public static let ifLess = RedisScoreComparison(argument: "LT")
}

/// One end of a score range (`ZRANGE … BYSCORE`, `ZCOUNT`, `ZREMRANGEBYSCORE`).
public struct RedisScoreBound: Hashable, Sendable, CustomStringConvertible {
    /// The bound as Redis reads it: `1.5`, `(1.5` (exclusive), `-inf`, `+inf`.
    public let description: String

    /// Scores from (or up to) this one, itself included.
    public static func inclusive(_ score: Double) -> RedisScoreBound {
        RedisScoreBound(description: RedisScoreBound.format(score))
    }
    /// Scores above (or below) this one, itself excluded.
    public static func exclusive(_ score: Double) -> RedisScoreBound {
        RedisScoreBound(description: "(" + RedisScoreBound.format(score))
    }
    /// No lower limit: `-inf`.
    public static let negativeInfinity = RedisScoreBound(description: "-inf")
    /// No upper limit: `+inf`.
    public static let positiveInfinity = RedisScoreBound(description: "+inf")

    /// A score as Redis parses it (`1.5`, `1e+20`, `inf`, `-inf`).
    static func format(_ score: Double) -> String {
        if score == .infinity { return "+inf" }
        if score == -.infinity { return "-inf" }
        return String(score)
    }
}

/// One end of a list: the head (`LEFT`, index 0) or the tail (`RIGHT`, index -1).
public struct RedisListEnd: Hashable, Sendable, CustomStringConvertible {
    /// `LEFT` or `RIGHT`.
    public let description: String

    /// The head of the list (`LPUSH`, `LPOP`, `LEFT`).
    public static let left = RedisListEnd(description: "LEFT")
    /// The tail of the list (`RPUSH`, `RPOP`, `RIGHT`).
    public static let right = RedisListEnd(description: "RIGHT")

    /// The command's first letter for this end: `L` or `R`.
    var letter: String { self == .left ? "L" : "R" }
}

/// The remaining lifetime of a key, as `TTL` reports it.
public enum RedisTimeToLive: Hashable, Sendable {
    /// The key does not exist (`-2`).
    case missingKey
    /// The key exists and never expires (`-1`).
    case persistent
    /// The key expires in this many seconds.
    case seconds(Int64)
}
