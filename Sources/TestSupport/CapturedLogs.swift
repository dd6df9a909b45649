public import Logging
import Platform
import Synchronization

/// Log lines captured in memory, each one entry as the server writes it (a JSON object: message, level, metadata),
/// for tests that check what was logged, or that something was not.
public final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    /// Creates an empty capture.
    public init() {}

    /// A logger whose entries at `level` and above land here.
    public func logger(label: String = "test", level: Logger.Level = .debug) -> Logger {
        Logger(label: label) { label in
            JSONLogHandler(label: label, level: level) { [self] line in append(line) }
        }
    }

    /// Every line so far.
    public var entries: [String] { lines.withLock { $0 } }

    /// Adds a line.
    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// The lines containing every one of `fragments`.
    public func matching(_ fragments: String...) -> [String] {
        lines.withLock { $0.filter { line in fragments.allSatisfy { line.contains($0) } } }
    }
}
