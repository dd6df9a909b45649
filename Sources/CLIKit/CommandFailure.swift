/// Why a command failed, as the user sees it: one `error:` line on standard error and an ``ExitStatus``.
/// Every command of every system throws this (or an error that converts itself, ``CommandFailureConvertible``);
/// ``CommandOutput/run(_:)`` prints it once.
public struct CommandFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The exit status.
    public var status: ExitStatus
    /// The message, without the `error:` prefix.
    public var message: String

    /// Creates a failure.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}

/// An error of a system's library that knows which failure it is on the command line (a refused input, a missing
/// item, an unreachable backend).
public protocol CommandFailureConvertible: Error {
    /// The failure to report.
    var commandFailure: CommandFailure { get }
}
