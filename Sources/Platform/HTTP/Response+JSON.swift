import Foundation
public import Hummingbird
import NIOCore

extension Response {
    /// A JSON response: `value` encoded with sorted keys (so the same value always reads the same), not cached.
    /// - Throws: The encoder's error when `value` cannot be encoded.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }
}
