import Foundation
import Platform

/// Runs `openapi-spec-validator` (the Python package, which `scripts/test` installs) on a document, as OpenAPI 3.1.
///
/// Gate a suite that uses it on the tool, so it is skipped where the tool is missing unless the run requires every
/// tool (`MASTERY_TEST_REQUIRE_SERVERS=1`), where it fails instead:
///
/// ```swift
/// @Test(.enabled(if: TestServers.shouldRun(tools: OpenAPISpecValidator.toolName), "needs openapi-spec-validator"))
/// func validates() async throws {
///     let result = try await OpenAPISpecValidator.validate(json)
///     #expect(result.isValid, "\(result.output)")
/// }
/// ```
public enum OpenAPISpecValidator {
    /// The executable's name.
    public static let toolName = "openapi-spec-validator"

    /// What the validator said.
    public struct Result: Sendable {
        /// It exited 0 and printed `OK`.
        public var isValid: Bool
        /// Its standard output and standard error.
        public var output: String
    }

    /// Validates `json` (an OpenAPI 3.1 document).
    /// - Parameter name: The file name the validator sees (and prints), such as `ratelimit.json`.
    /// - Throws: ``MissingTestServer`` when the tool is not installed; an error when it cannot be run or does not
    ///   finish within two minutes.
    public static func validate(_ json: String, name: String = "openapi.json") async throws -> Result {
        guard let validator = TestServers.executable(named: toolName) else {
            throw MissingTestServer(what: "\(toolName) (pip install openapi-spec-validator, or run scripts/test)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-openapi-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(name)
        try Data(json.utf8).write(to: file)
        let process = try ChildProcess(
            executable: validator,
            arguments: ["--schema", "3.1", file.path],
            name: toolName
        )
        let status = try await process.waitForExit(timeout: .seconds(120))
        let output = process.readStandardOutput() + process.readStandardError()
        return Result(isValid: status.isSuccess && output.contains("OK"), output: output)
    }
}
