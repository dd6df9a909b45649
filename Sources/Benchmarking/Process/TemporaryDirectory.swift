public import Foundation
import Synchronization

/// Temporary directories of a benchmark (data directory, nginx prefix, wrk script), removed when done and also
/// when the command is interrupted (`ChildProcess.stopAllOnInterruptForBenchmarks()`).
public enum TemporaryDirectory {
    private static let live = Mutex<Set<String>>([])

    /// Creates a fresh directory under the system's temporary directory, runs `body`, and removes it.
    public static func with<Result: Sendable>(
        prefix: String,
        body: (URL) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw BenchmarkError(code: .processFailed, message: "could not create \(directory.path)", underlying: error)
        }
        _ = live.withLock { $0.insert(directory.path) }
        defer {
            try? FileManager.default.removeItem(at: directory)
            _ = live.withLock { $0.remove(directory.path) }
        }
        return try await body(directory)
    }

    /// Removes every directory still in use; for the interrupt handler, after the children have stopped.
    public static func removeAll() {
        for path in live.withLock({ $0 }) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
