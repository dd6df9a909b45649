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

/// When `SET` writes.
public struct RedisSetCondition: Hashable, Sendable {
    let argument: String

    /// `NX`: only when the key does not exist.
    public static let ifNotExists = RedisSetCondition(argument: "NX")
    /// `XX`: only when the key exists.
    public static let ifExists = RedisSetCondition(argument: "XX")
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
