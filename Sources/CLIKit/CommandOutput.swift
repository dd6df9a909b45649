public import ArgumentParser
import Foundation

/// How a command reports: its output on standard output, a failure as one `error:` line on standard error and
/// the failure's exit status.
public enum CommandOutput {
    /// Runs `body` and prints what it returns (adding the final newline when missing); exits with the status it
    /// returns when that is not ``ExitStatus/success``.
    /// - Throws: `ExitCode` after printing the `error:` line of a ``CommandFailure`` (or of an error that is
    ///   ``CommandFailureConvertible``). Any other error goes through unchanged (ArgumentParser prints it).
    public static func run(_ body: () async throws -> (output: String, status: ExitStatus)) async throws {
        let result: (output: String, status: ExitStatus)
        do {
            result = try await body()
        } catch {
            guard let failure = failure(error) else { throw error }
            printError(failure.message)
            throw ExitCode(failure.status.rawValue)
        }
        print(result.output)
        if result.status != .success { throw ExitCode(result.status.rawValue) }
    }

    /// Runs `body` and prints what it returns: the synchronous form of ``run(_:)``, for a verb that only prints
    /// (exit status 0 unless it throws).
    public static func runSynchronously(_ body: () throws -> String) throws {
        let output: String
        do {
            output = try body()
        } catch {
            guard let failure = failure(error) else { throw error }
            printError(failure.message)
            throw ExitCode(failure.status.rawValue)
        }
        print(output)
    }

    /// Prints `text` on standard output, adding a final newline when it has none.
    public static func print(_ text: String) {
        Swift.print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }

    /// Prints `error: <message>` on standard error.
    public static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Prints `warning: <message>` on standard error.
    public static func printWarning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// The failure an error stands for, if it is one the kit reports.
    static func failure(_ error: any Error) -> CommandFailure? {
        if let failure = error as? CommandFailure { return failure }
        if let convertible = error as? any CommandFailureConvertible { return convertible.commandFailure }
        return nil
    }
}
