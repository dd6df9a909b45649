public import HTTPTypes
public import NIOCore
public import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Answers some requests on the connection's event loop at the HTTP/1 layer, before Hummingbird sees them, as a
/// reverse proxy's cache in front of the server would: a system whose answers live in process memory (the response
/// cache's fresh entries) gives them without the conversions to Swift HTTP Types and the hops to Swift's concurrency
/// pool that every routed request pays (``EdgeChannelHandler``). A responder is synchronous and must not block: it
/// reads memory, or declines.
///
/// What an answer skips is the router's middleware: the request log, HTTP metrics, tracing, request IDs and the
/// admin check. So a responder answers only requests that need none of them: public reads that the system itself
/// stored after they went through the whole stack. The server still applies its `Host` policy (a refused host is
/// routed, and refused there), adds `X-Content-Type-Options`, `Date`, `Server` and `Content-Length`, keeps
/// HTTP/1.1 pipelining in order (a request arriving while a routed one is unanswered is routed too), and offers
/// only HTTP/1.1 keep-alive `GET` and `HEAD` requests whose `Connection` names nothing else (the rest are routed).
public protocol EdgeResponder: Sendable {
    /// The request targets (path prefixes, `/v1/cache/demo/products/`) the responder may answer: any other request
    /// is routed without being converted and offered, so routed traffic pays nothing for the edge.
    var pathPrefixes: [String] { get }

    /// The answer to `request` from memory, or `nil` to route it as usual. Called on an event loop: it must not
    /// block or wait.
    func respond(to request: HTTPRequest) -> EdgeResponse?
}

/// An answer given at the edge: the response head and its whole body. It is built once and may be given many
/// times: building it adds `Content-Length` and the security headers (``SecurityHeadersMiddleware``), and the
/// server adds only `Date` and `Server` when it writes it.
public struct EdgeResponse: Sendable {
    /// The status and header fields, `Content-Length` and the security headers included.
    public private(set) var head: HTTPResponse
    /// The body; empty for `HEAD` and 304.
    public private(set) var body: ByteBuffer

    /// An answer with `body`, announcing `contentLength` (the body's length unless given: for `HEAD`, the length
    /// the `GET` would have had; a 304 announces none).
    public init(head: HTTPResponse, body: ByteBuffer, contentLength: Int? = nil) {
        var head = head
        SecurityHeadersMiddleware.apply(to: &head.headerFields)
        if head.status != .notModified {
            head.headerFields[.contentLength] = String(contentLength ?? body.readableBytes)
        }
        self.head = head
        self.body = body
        self.http1Head = HTTPResponseHead(head)
    }

    /// The head as the HTTP/1 encoder takes it, converted once.
    let http1Head: HTTPResponseHead
}
