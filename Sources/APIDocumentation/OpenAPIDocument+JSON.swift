public import Foundation
public import OpenAPIKit

extension OpenAPI.Document {
    /// The document as JSON: keys sorted (so the text is the same on every run and diffs stay small), slashes not
    /// escaped.
    /// - Throws: An `EncodingError` (not expected: every value is encodable).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// ``jsonData()`` as text.
    /// - Throws: An `EncodingError` (not expected: every value is encodable).
    public func jsonText() throws -> String {
        String(decoding: try jsonData(), as: UTF8.self)
    }
}
