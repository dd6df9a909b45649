/// The exit statuses of every `mastery` command: 0 and 1 for an answer (`check` allowed or denied), the rest from
/// BSD's `sysexits.h`, so a script can tell a refused input from a server that cannot be reached.
public struct ExitStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The process exit status.
    public var rawValue: Int32

    /// Creates a status.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// 0: done.
    public static let success = Self(rawValue: 0)
    /// 1: the command ran and the answer is "no" (a denied check).
    public static let failure = Self(rawValue: 1)
    /// 64 (`EX_USAGE`): a malformed command line (ArgumentParser's own status).
    public static let usage = Self(rawValue: 64)
    /// 65 (`EX_DATAERR`): the input was refused (an invalid argument, document or policy); nothing changed.
    public static let dataError = Self(rawValue: 65)
    /// 66 (`EX_NOINPUT`): what the command names does not exist (a policy, a file).
    public static let noInput = Self(rawValue: 66)
    /// 69 (`EX_UNAVAILABLE`): the server or a backend cannot be reached or cannot answer.
    public static let unavailable = Self(rawValue: 69)
    /// 73 (`EX_CANTCREAT`): the command refused to overwrite something that exists.
    public static let cannotCreate = Self(rawValue: 73)
    /// 74 (`EX_IOERR`): a file cannot be read or written.
    public static let ioError = Self(rawValue: 74)
    /// 76 (`EX_PROTOCOL`): an answer that is not what the API promises.
    public static let protocolError = Self(rawValue: 76)
    /// 77 (`EX_NOPERM`): the admin token is missing or refused.
    public static let noPermission = Self(rawValue: 77)
    /// 78 (`EX_CONFIG`): invalid configuration.
    public static let configuration = Self(rawValue: 78)

    public var description: String { "\(rawValue)" }

    /// The lines every command's `--help` shows under "Exit status".
    public static func summary(_ statuses: [(ExitStatus, String)]) -> String {
        "Exit status: " + statuses.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: "; ") + "."
    }
}
