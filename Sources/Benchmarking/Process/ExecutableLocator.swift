import Foundation

/// Finds the executables a benchmark runs (wrk, nginx) in a list of directories.
///
/// A tool that is missing is reported with the command that installs it, such as
/// `"wrk is not installed: apt-get install wrk"`.
public struct ExecutableLocator: Hashable, Sendable {
    /// The directories searched, in order.
    public var searchPath: [String]

    /// Creates a locator that searches the given directories.
    public init(searchPath: [String]) {
        self.searchPath = searchPath
    }

    /// Searches `PATH`, then `/usr/local/sbin`, `/usr/sbin` and `/sbin` (where Debian puts nginx, often outside
    /// a user's `PATH`).
    public static var `default`: ExecutableLocator {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        var directories = path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for directory in ["/usr/local/sbin", "/usr/sbin", "/sbin"] where !directories.contains(directory) {
            directories.append(directory)
        }
        return ExecutableLocator(searchPath: directories)
    }

    /// Returns the full path of an executable.
    /// - Parameters:
    ///   - name: The executable's name, such as `"wrk"`.
    ///   - package: The Debian package that installs it; defaults to `name`.
    /// - Throws: ``BenchmarkError/Code-swift.struct/toolMissing`` naming `apt-get install <package>`.
    public func locate(_ name: String, package: String? = nil) throws -> String {
        for directory in searchPath {
            let candidate = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        throw BenchmarkError(
            code: .toolMissing,
            message: "\(name) is not installed: apt-get install \(package ?? name)"
        )
    }
}
