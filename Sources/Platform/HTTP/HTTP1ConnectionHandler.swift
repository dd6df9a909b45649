public import NIOCore
public import NIOHTTP1
import NIOHTTPTypesHTTP1

/// HTTP/1 connection semantics that Hummingbird's HTTP/1 channel leaves out, at the HTTP/1 layer (before the
/// conversion to Swift HTTP Types, which drops the request's version):
///
/// - **Answer in the request's version.** An `HTTP/1.0` request gets an `HTTP/1.0` response; without
///   `Connection: keep-alive` it is closed after its response (RFC 9112 §9.3), instead of being held open until the
///   idle timeout.
/// - **Close when HTTP says to close.** A response carrying `Connection: close` (a 413 for an oversized body, a
///   request that asked for it) is followed by closing the connection as soon as it is written, instead of
///   lingering to read a body nobody wants.
/// - **Refuse what is not an origin-server request.** `CONNECT` (this is no proxy) gets `405` and HTTP/0.9 gets a
///   bare `400`, each with the connection closed.
///
/// ``install()`` returns a handler for `HTTP1Channel.Configuration.additionalChannelHandlers` that places this one
/// where it belongs and removes itself.
public final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    /// The version and keep-alive wish of each request whose response is not finished (pipelining keeps order).
    private var pending: CircularBuffer<(version: HTTPVersion, keepAlive: Bool)> = []
    /// Whether the connection closes once the response being written ends.
    private var closeAfterResponse = false
    /// Set once a request was refused here: nothing more is read.
    private var refusing = false

    init() {}

    /// The handler to list in `additionalChannelHandlers`.
    public static func install() -> any RemovableChannelHandler {
        Installer()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if refusing { return }
        guard case .head(let head) = part else {
            context.fireChannelRead(data)
            return
        }
        if head.version.major != 1 {
            refuse(context: context, status: .badRequest, version: .http1_1, allow: false)
            return
        }
        if head.method == .CONNECT {
            // SwiftNIO's encoder sends no body in answer to CONNECT (RFC 9112 §6.3 framing), so this 405 has none.
            refuse(context: context, status: .methodNotAllowed, version: head.version, allow: true)
            return
        }
        pending.append((head.version, head.isKeepAlive))
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let request = pending.first ?? (HTTPVersion.http1_1, true)
            // 1xx responses come before the final one and decide nothing about the connection.
            guard head.status.code >= 200 else {
                context.write(data, promise: promise)
                return
            }
            let responseCloses = Self.saysClose(head.headers)
            // HTTP/1.0 has no chunked coding: a body without a length ends when the connection closes.
            let isHTTP10 = request.version == .http1_0
            let delimitedByClose = isHTTP10 && !head.headers.contains(name: "content-length")
            closeAfterResponse = !request.keepAlive || responseCloses || delimitedByClose
            // The common case (a 1.1 keep-alive exchange) passes the head through untouched: no copy of it.
            guard isHTTP10 || (closeAfterResponse && !responseCloses) else {
                context.write(data, promise: promise)
                return
            }
            head.version = request.version
            if closeAfterResponse {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            } else {
                head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if !pending.isEmpty { pending.removeFirst() }
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            refusing = true
            let loopBound = context.loopBound
            context.writeAndFlush(data).always { _ in loopBound.value.close(promise: nil) }.cascade(to: promise)
        }
    }

    /// Whether a `Connection` field lists `close`, without splitting every field into tokens.
    static func saysClose(_ headers: HTTPHeaders) -> Bool {
        for (name, value) in headers where name.utf8.count == 10 && name.lowercased() == "connection" {
            if value.lowercased().contains("close") { return true }
        }
        return false
    }

    private func refuse(context: ChannelHandlerContext, status: HTTPResponseStatus, version: HTTPVersion, allow: Bool) {
        refusing = true
        var headers = HTTPHeaders([("connection", "close"), ("content-length", "0")])
        if allow { headers.add(name: "allow", value: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))),
            promise: nil
        )
        let loopBound = context.loopBound
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    /// Sits where `additionalChannelHandlers` go (after the HTTP/1 to HTTP Types codec), puts an
    /// ``HTTP1ConnectionHandler`` just before that codec, and takes itself out.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Never

        func handlerAdded(context: ChannelHandlerContext) {
            let operations = context.pipeline.syncOperations
            if let codec = try? operations.handler(type: HTTP1ToHTTPServerCodec.self) {
                try? operations.addHandler(HTTP1ConnectionHandler(), position: .before(codec))
            }
            try? operations.addHandler(RequestLineGuard(), position: .first)
            operations.removeHandler(context: context, promise: nil)
        }
    }
}

/// Watches the bytes of a connection's first request line, ahead of the HTTP parser: a line that ends without an
/// HTTP version is HTTP/0.9 (`GET /`), which the parser would wait on in silence until a timeout. It is answered
/// with a bare `400` and the connection closed. Once the first line is complete and valid the guard removes
/// itself, so it costs nothing after the first request.
final class RequestLineGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The first line so far (bounded: the parser rejects long lines itself).
    private var line: [UInt8] = []
    private var done = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if done {
            context.fireChannelRead(data)
            return
        }
        let buffer = unwrapInboundIn(data)
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                done = true
                break
            }
            line.append(byte)
            if line.count > 16 * 1024 {
                // A line this long is the parser's to judge (it has its own limit): stop watching.
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                done = true
                return
            }
        }
        guard done else {
            context.fireChannelRead(data)
            return
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        // Blank lines before a request line are allowed (RFC 9112 §2.2); wait for the real one.
        if line.isEmpty {
            done = false
            context.fireChannelRead(data)
            return
        }
        let hasVersion = line.count >= 9 && line.suffix(9).starts(with: Array(" HTTP/".utf8))
        guard hasVersion else {
            let response = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
            let loopBound = context.loopBound
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: response))).whenComplete { _ in
                loopBound.value.close(promise: nil)
            }
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
