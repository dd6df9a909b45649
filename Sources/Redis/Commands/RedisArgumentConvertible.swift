public import NIOCore

/// A value that can be sent as one argument of a command: strings (UTF-8), bytes, integers and doubles (in decimal).
///
/// Script arguments and the values of typed commands (list elements, sorted-set members, hash values) accept any
/// of them, so callers pass `42`, `"name"` or a `ByteBuffer` as they are:
///
/// ```swift
/// try await redis.evaluate(script, keys: [key], arguments: [limit, windowMilliseconds, requestID])
/// ```
public protocol RedisArgumentConvertible: Sendable {
    /// Appends the value to `command` as one argument.
    func appendAsArgument(to command: inout RedisCommand)
}

extension String: RedisArgumentConvertible {
    /// Appends the string's UTF-8 bytes.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension Substring: RedisArgumentConvertible {
    /// Appends the substring's UTF-8 bytes.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(String(self)) }
}

extension ByteBuffer: RedisArgumentConvertible {
    /// Appends the readable bytes as they are.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension Int: RedisArgumentConvertible {
    /// Appends the integer in decimal.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension Int64: RedisArgumentConvertible {
    /// Appends the integer in decimal.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension Int32: RedisArgumentConvertible {
    /// Appends the integer in decimal.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension UInt64: RedisArgumentConvertible {
    /// Appends the integer in decimal.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension UInt: RedisArgumentConvertible {
    /// Appends the integer in decimal.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(self) }
}

extension Double: RedisArgumentConvertible {
    /// Appends the number as Redis parses it: the shortest decimal that reads back as the same double (`0.1`,
    /// `1e+20`), `inf` and `-inf` for the infinities.
    public func appendAsArgument(to command: inout RedisCommand) { command.append(RedisScoreBound.format(self)) }
}

extension RedisCommand {
    /// Appends a value of any ``RedisArgumentConvertible`` type as one argument.
    public mutating func append(argument: some RedisArgumentConvertible) {
        argument.appendAsArgument(to: &self)
    }
}
