import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Platform
import Synchronization
import Testing

/// A responder answering `GET /hit` (and `HEAD`) with a fixed body, counting what it is asked.
final class FixedEdgeResponder: EdgeResponder {
    let asked = Mutex(0)
    let pathPrefixes: [String]

    init(pathPrefixes: [String] = ["/"]) {
        self.pathPrefixes = pathPrefixes
    }

    func respond(to request: HTTPRequest) -> EdgeResponse? {
        asked.withLock { $0 += 1 }
        guard request.path == "/hit" else { return nil }
        let head = HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain", .cacheControl: "max-age=60"])
        return EdgeResponse(
            head: head,
            body: request.method == .head ? ByteBuffer() : ByteBuffer(string: "from memory"),
            contentLength: 11
        )
    }
}

/// Records the user events that reach it.
final class EventRecorder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    var answeredEvents = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is EdgeChannelHandler.AnsweredEvent { answeredEvents += 1 }
        context.fireUserInboundEventTriggered(event)
    }
}

@Suite("EdgeChannelHandler: answers from memory at the HTTP/1 layer, in order")
struct EdgeChannelHandlerTests {
    /// A channel with the edge (the installer finds no HTTP/1 handlers here, so it places it after itself) and a
    /// recorder of what reaches the routed path.
    @Test("a request outside every responder's path prefixes is routed without being offered")
    func outsidePrefixes() throws {
        let responder = FixedEdgeResponder(pathPrefixes: ["/hit"])
        let (channel, _) = try channel(responder)
        try send(channel, request("/other"))
        #expect(responder.asked.withLock { $0 } == 0)
        #expect(try routed(channel).count == 2)
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        _ = try written(channel)
        try send(channel, request("/hit"))
        #expect(responder.asked.withLock { $0 } == 1)
        #expect(try written(channel).count == 3)
        #expect(try channel.finish().isClean)
    }

    func channel(_ responder: FixedEdgeResponder) throws -> (EmbeddedChannel, EventRecorder) {
        let channel = EmbeddedChannel()
        let policy = HostPolicy(listenHost: "127.0.0.1", allowedHosts: [], allowedOrigins: [], port: .init(8080))
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.pipeline.syncOperations.addHandler(
            EdgeChannelHandler.install(responders: [responder], hostPolicy: policy, serverName: "mastery"),
            position: .first
        )
        return (channel, recorder)
    }

    func request(
        _ path: String,
        method: HTTPMethod = .GET,
        version: HTTPVersion = .http1_1,
        host: String = "127.0.0.1",
        headers: [(String, String)] = []
    ) -> HTTPServerRequestPart {
        var head = HTTPRequestHead(version: version, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        return .head(head)
    }

    /// Sends a whole request (a read, then the read's completion).
    func send(_ channel: EmbeddedChannel, _ parts: HTTPServerRequestPart...) throws {
        for part in parts { try channel.writeInbound(part) }
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.pipeline.fireChannelReadComplete()
    }

    /// Everything written to the client, in order.
    func written(_ channel: EmbeddedChannel) throws -> [HTTPServerResponsePart] {
        var parts: [HTTPServerResponsePart] = []
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) { parts.append(part) }
        return parts
    }

    /// Everything passed on to the routed path.
    func routed(_ channel: EmbeddedChannel) throws -> [HTTPServerRequestPart] {
        var parts: [HTTPServerRequestPart] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        return parts
    }

    @Test("an answer from memory: nothing routed; Content-Length, Date, Server, the security header; the event fired")
    func answered() throws {
        let responder = FixedEdgeResponder()
        let (channel, recorder) = try channel(responder)
        try send(channel, request("/hit"))
        #expect(try routed(channel).isEmpty)
        let parts = try written(channel)
        #expect(parts.count == 3)
        guard case .head(let head) = parts.first, case .body(.byteBuffer(let body)) = parts[1], case .end = parts[2]
        else {
            Issue.record("parts \(parts)")
            return
        }
        #expect(head.status == .ok && head.version == .http1_1 && String(buffer: body) == "from memory")
        #expect(head.headers["content-length"] == ["11"])
        #expect(head.headers["x-content-type-options"] == ["nosniff"])
        #expect(head.headers["server"] == ["mastery"])
        #expect(head.headers["date"].first?.hasSuffix(" GMT") == true)
        #expect(recorder.answeredEvents == 1)
        // Connection: keep-alive is answered too; HEAD gets the same head and no body.
        try send(channel, request("/hit", headers: [("Connection", "keep-alive")]))
        #expect(try written(channel).count == 3)
        try send(channel, request("/hit", method: .HEAD))
        let headParts = try written(channel)
        #expect(headParts.count == 2)
        if case .head(let head) = headParts.first { #expect(head.headers["content-length"] == ["11"]) }
        #expect(try channel.finish().isClean)
    }

    @Test("what the responder declines, and what it is never offered, is routed whole")
    func routedWhole() throws {
        let responder = FixedEdgeResponder()
        let (channel, recorder) = try channel(responder)
        let offers: [(HTTPServerRequestPart, Bool)] = [
            (request("/miss"), true),
            (request("/hit", method: .POST), false),
            (request("/hit", headers: [("Connection", "close")]), false),
            (request("/hit", headers: [("Connection", "Upgrade"), ("Upgrade", "websocket")]), false),
            (request("/hit", version: .http1_0), false),
            (request("/hit", host: "evil.example"), false),
        ]
        for (head, offered) in offers {
            let before = responder.asked.withLock { $0 }
            try send(channel, head, .body(ByteBuffer(string: "payload")))
            #expect(responder.asked.withLock { $0 } == before + (offered ? 1 : 0))
            let parts = try routed(channel)
            #expect(parts.count == 3, "\(head): \(parts)")
            // The routed path answers; only then is the next request offered again.
            try channel.writeOutbound(
                HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound))
            )
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
            _ = try written(channel)
        }
        #expect(recorder.answeredEvents == 0)
        #expect(try channel.finish().isClean)
    }

    @Test("pipelined: a request behind an unanswered routed one is routed too, so answers keep their order")
    func pipelined() throws {
        let responder = FixedEdgeResponder()
        let (channel, _) = try channel(responder)
        try send(channel, request("/slow"))
        try send(channel, request("/hit"))
        // Both went to the routed path, and nothing was written ahead of the first answer.
        #expect(try routed(channel).count == 4)
        #expect(try written(channel).isEmpty)
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        }
        _ = try written(channel)
        // Nothing is outstanding: the next hit is answered here.
        try send(channel, request("/hit"))
        #expect(try routed(channel).isEmpty)
        #expect(try written(channel).count == 3)
        #expect(try channel.finish().isClean)
    }

    @Test("the body of an answered request is read and dropped; the next request is handled as usual")
    func bodyDropped() throws {
        let responder = FixedEdgeResponder()
        let (channel, _) = try channel(responder)
        try send(channel, request("/hit", headers: [("Content-Length", "4")]), .body(ByteBuffer(string: "abcd")))
        try send(channel, request("/miss"))
        let parts = try routed(channel)
        #expect(parts.count == 2)
        if case .head(let head) = parts.first { #expect(head.uri == "/miss") }
        #expect(try written(channel).count == 3)
        #expect(try channel.finish().isClean)
    }

    @Test("the installer puts the edge before HTTP1ConnectionHandler, right after the HTTP/1 decoder")
    func placement() throws {
        let channel = EmbeddedChannel()
        let policy = HostPolicy(listenHost: "127.0.0.1", allowedHosts: [], allowedOrigins: [], port: .init(8080))
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(withErrorHandling: false)
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try pipeline.addHandler(HTTP1ConnectionHandler.install())
        try pipeline.addHandler(
            EdgeChannelHandler.install(responders: [FixedEdgeResponder()], hostPolicy: policy, serverName: "mastery")
        )
        let description = channel.pipeline.debugDescription
        let decoder = description.range(of: "ByteToMessageHandler<HTTPDecoder")
        let edge = description.range(of: "EdgeChannelHandler")
        let connection = description.range(of: "HTTP1ConnectionHandler")
        #expect(decoder != nil && edge != nil && connection != nil, "\(description)")
        if let decoder, let edge, let connection {
            #expect(decoder.lowerBound < edge.lowerBound && edge.lowerBound < connection.lowerBound, "\(description)")
        }
        #expect(!description.contains("Installer"), "\(description)")
        _ = try? channel.finish()
    }
}

@Suite("RequestHeadTimeoutHandler: heads, bodies and answers at the edge, on the embedded loop's clock")
struct RequestHeadTimeoutHandlerTests {
    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestHeadTimeoutHandler(timeout: .seconds(2), idleTimeout: .seconds(1))
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test("an answer at the edge restarts the head clock: a busy connection is never closed by it")
    func answeredRestartsTheClock() throws {
        let channel = try channel()
        for _ in 0..<5 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_500))
            channel.pipeline.fireUserInboundEventTriggered(EdgeChannelHandler.AnsweredEvent())
        }
        #expect(channel.isActive, "7.5 s of answers at the edge, each within the 2 s head timeout")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_100))
        #expect(!channel.isActive, "then 2.1 s without a request: closed")
    }

    @Test("a body paused longer than the idle timeout closes the connection; a complete request stops the clock")
    func bodyPause() throws {
        let channel = try channel()
        try channel.writeInbound(
            HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "h", path: "/"))
        )
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(800))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "a")))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(800))
        #expect(channel.isActive, "parts 0.8 s apart, within the 1 s idle timeout")
        try channel.writeInbound(HTTPRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive, "the server's turn: no clock runs")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(
            HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "h", path: "/"))
        )
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_200))
        #expect(!channel.isActive, "a body paused 1.2 s: closed")
    }
}
