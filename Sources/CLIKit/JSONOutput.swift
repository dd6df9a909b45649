import Foundation

/// JSON as every command prints it with `--json`: one object, sorted keys, no escaped slashes.
public enum JSONOutput {
    /// Encodes `value`.
    /// - Throws: ``CommandFailure`` (70, an internal error) when the value cannot be encoded.
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CommandFailure(ExitStatus(rawValue: 70), "cannot encode the answer as JSON (\(error))")
        }
    }
}
