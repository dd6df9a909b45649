public import NIOCore

/// A command ready to send: an array of bulk strings, encoded once when it is built.
///
/// ```swift
/// var command = RedisCommand("SET", "greeting")
/// command.append(ByteBuffer(string: "hello"))
/// command.append("EX")
/// command.append(60)
/// ```
public struct RedisCommand: Sendable, CustomStringConvertible {
    /// The command's name (its first argument), upper-cased: the only part that appears in errors and logs.
    public let name: String
    /// How many arguments, the name included.
    public private(set) var count: Int
    /// The encoded arguments (`$<len>\r\n<bytes>\r\n` each), without the leading `*<count>\r\n`.
    private var body: ByteBuffer

    /// Creates a command from its name and string arguments.
    public init(_ name: String, _ arguments: String...) {
        self.init(name, arguments)
    }

    /// Creates a command from its name and string arguments.
    public init(_ name: String, _ arguments: [String]) {
        self.name = name.uppercased()
        self.count = 0
        self.body = ByteBuffer()
        self.body.reserveCapacity(16 + name.utf8.count + arguments.reduce(0) { $0 + $1.utf8.count + 16 })
        append(name)
        for argument in arguments { append(argument) }
    }

    /// Creates a command from all its arguments, the name first.
    /// - Precondition: `arguments` is not empty.
    public init(arguments: [String]) {
        precondition(!arguments.isEmpty, "a command needs at least its name")
        self.init(arguments[0], Array(arguments.dropFirst()))
    }

    /// Creates a command from all its arguments as bytes, the name first.
    /// - Precondition: `arguments` is not empty.
    public init(arguments: [ByteBuffer]) {
        precondition(!arguments.isEmpty, "a command needs at least its name")
        self.init(String(buffer: arguments[0]))
        for argument in arguments.dropFirst() { append(argument) }
    }

    /// Appends a string argument (UTF-8).
    public mutating func append(_ argument: String) {
        body.writeStaticString("$")
        body.writeString(String(argument.utf8.count))
        body.writeStaticString("\r\n")
        body.writeString(argument)
        body.writeStaticString("\r\n")
        count += 1
    }

    /// Appends a binary argument.
    public mutating func append(_ argument: ByteBuffer) {
        body.writeStaticString("$")
        body.writeString(String(argument.readableBytes))
        body.writeStaticString("\r\n")
        body.writeImmutableBuffer(argument)
        body.writeStaticString("\r\n")
        count += 1
    }

    /// Appends an integer argument in decimal.
    public mutating func append(_ argument: some BinaryInteger) {
        append(String(argument))
    }

    /// Writes the command as RESP (`*<count>\r\n` then each argument as a bulk string).
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        buffer.writeString(String(count))
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(body)
    }

    /// The number of bytes ``encode(into:)`` writes.
    public var encodedLength: Int { 3 + String(count).utf8.count + body.readableBytes }

    /// The command's name and argument count: never its arguments, which may hold a password.
    public var description: String { "\(name) (\(count - 1) arguments)" }
}
