public import Foundation
public import Platform

extension ChildProcess {
    /// Starts a process with standard output and standard error appended to `logFile`, runs `body`, and stops the
    /// process (`SIGTERM`, then `SIGKILL` after `grace`) whatever happens, also when the task is cancelled.
    /// - Throws: ``BenchmarkError/Code-swift.struct/processFailed`` when it cannot be started, or what `body` throws.
    public static func withLaunched<Result: Sendable>(
        name: String,
        executable: String,
        arguments: [String],
        logFile: URL,
        grace: Duration = .seconds(5),
        body: (ChildProcess) async throws -> Result
    ) async throws -> Result {
        let child: ChildProcess
        do {
            child = try ChildProcess(
                executable: executable,
                arguments: arguments,
                standardOutput: .appending(logFile),
                standardError: .appending(logFile),
                name: name
            )
        } catch {
            throw BenchmarkError(
                code: .processFailed,
                message: "could not start \(name) (\(executable))",
                underlying: error
            )
        }
        let result: Result
        do {
            result = try await body(child)
        } catch {
            await child.stopUncancelled(grace: grace)
            throw error
        }
        await child.stopUncancelled(grace: grace)
        return result
    }

    /// Stops the process even when the calling task was cancelled (Ctrl-C, a failed round): an unstructured task
    /// does not inherit cancellation, so the grace period is still waited out.
    public func stopUncancelled(grace: Duration) async {
        _ = await Task { try? await self.stop(gracePeriod: grace) }.value
    }

    /// For `mastery bench` commands: Ctrl-C or SIGTERM stops every running child and removes the benchmark's
    /// temporary folders before exiting with status 130.
    public static func stopAllOnInterruptForBenchmarks() {
        stopAllOnInterrupt(cleanup: TemporaryDirectory.removeAll)
    }

    /// The name used in messages: the executable's file name.
    public var name: String { URL(fileURLWithPath: executable).lastPathComponent }

    /// The last bytes of the process's log, for error messages.
    public func logTail(maxBytes: Int = 2000) -> String {
        String(readStandardError().suffix(maxBytes)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
