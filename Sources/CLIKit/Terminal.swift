public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the terminal the command writes to can show.
public enum Terminal {
    /// Whether standard output may carry ANSI colours: only on a terminal, never with a non-empty `NO_COLOR`
    /// (no-color.org) or `TERM=dumb`, and never when the command was given `--no-color`.
    public static func allowsColour(
        noColorFlag: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        guard !noColorFlag, environment["NO_COLOR"]?.isEmpty ?? true, environment["TERM"] != "dumb" else {
            return false
        }
        return isatty(STDOUT_FILENO) == 1
    }
}
