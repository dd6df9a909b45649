public import Hummingbird

/// A stylesheet, script or JSON document served from memory (the kit's own and each page's `page.css`/`page.js`,
/// a system's `openapi.json`), revalidated on
/// every load (`Cache-Control: no-cache`), so a new server version is picked up at once.
public struct StaticAsset: Sendable {
    /// The file's text.
    public var text: String
    /// Its `Content-Type`.
    public var contentType: String

    /// A stylesheet (`text/css; charset=utf-8`).
    /// - Parameter text: The CSS.
    public static func stylesheet(_ text: String) -> StaticAsset {
        StaticAsset(text: text, contentType: "text/css; charset=utf-8")
    }

    /// A script (`text/javascript; charset=utf-8`).
    /// - Parameter text: The JavaScript (a classic script, not a module).
    public static func script(_ text: String) -> StaticAsset {
        StaticAsset(text: text, contentType: "text/javascript; charset=utf-8")
    }

    /// A JSON document (`application/json`), such as a system's OpenAPI document.
    /// - Parameter text: The JSON text.
    public static func json(_ text: String) -> StaticAsset {
        StaticAsset(text: text, contentType: "application/json")
    }

    /// The response that serves it.
    public var response: Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
