import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Platform
import Synchronization
import Testing

/// A responder answering `GET /hit` (and `HEAD`) with a fixed body, counting what it is asked.
final class FixedEdgeResponder: EdgeResponder {
    let asked = Mutex(0)

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

@Suite("EdgeChannelHandler: answers from memory before routing, in order")
struct EdgeChannelHandlerTests {
    /// A channel with the edge placed as the server places it: after Hummingbird's connection-state handler.
    func channel(_ responder: FixedEdgeResponder, allowedHosts: [String] = []) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let policy = HostPolicy(
            listenHost: "127.0.0.1",
            allowedHosts: allowedHosts,
            allowedOrigins: [],
            port: .init(8080)
        )
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(
            EdgeChannelHandler.install(responders: [responder], hostPolicy: policy, serverName: "mastery")
        )
        try pipeline.addHandler(HTTPConnectionStateHandler(logger: Logger(label: "test")))
        return channel
    }

    func request(
        _ path: String,
        method: HTTPRequest.Method = .get,
        host: String = "127.0.0.1",
        fields: HTTPFields = [:]
    ) -> HTTPRequestPart {
        .head(HTTPRequest(method: method, scheme: "http", authority: host, path: path, headerFields: fields))
    }

    /// Everything written to the client, in order.
    func written(_ channel: EmbeddedChannel) throws -> [HTTPResponsePart] {
        var parts: [HTTPResponsePart] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) { parts.append(part) }
        return parts
    }

    /// Everything passed on to the routed path.
    func routed(_ channel: EmbeddedChannel) throws -> [HTTPRequestPart] {
        var parts: [HTTPRequestPart] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { parts.append(part) }
        return parts
    }

    @Test("an answer from memory: nothing is routed; Content-Length, Date, Server and the security header are added")
    func answered() throws {
        let responder = FixedEdgeResponder()
        let channel = try channel(responder)
        try channel.writeInbound(request("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try routed(channel).isEmpty)
        let parts = try written(channel)
        #expect(parts.count == 3)
        guard case .head(let head) = parts.first, case .body(let body) = parts[1], case .end = parts[2] else {
            Issue.record("parts \(parts)")
            return
        }
        #expect(head.status == .ok && String(buffer: body) == "from memory")
        #expect(head.headerFields[.contentLength] == "11")
        #expect(head.headerFields[.xContentTypeOptions] == "nosniff")
        #expect(head.headerFields[HTTPField.Name("Server")!] == "mastery")
        #expect(head.headerFields[.date]?.hasSuffix(" GMT") == true)
        // Connection: close or keep-alive is answered too (the HTTP/1 layer below closes when asked).
        try channel.writeInbound(request("/hit", fields: [.connection: "keep-alive"]))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try written(channel).count == 3)
        // HEAD: the same head, no body.
        try channel.writeInbound(request("/hit", method: .head))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        let headParts = try written(channel)
        #expect(headParts.count == 2)
        if case .head(let head) = headParts.first { #expect(head.headerFields[.contentLength] == "11") }
        #expect(try channel.finish().isClean)
    }

    @Test("what the responder declines, and what it is never offered, is routed whole")
    func routedWhole() throws {
        let responder = FixedEdgeResponder()
        let channel = try channel(responder)
        let offers: [(HTTPRequestPart, Bool)] = [
            (request("/miss"), true),
            (request("/hit", method: .post), false),
            (request("/hit", fields: [.connection: "Upgrade"]), false),
            (request("/hit", fields: [.connection: "keep-alive, Upgrade"]), false),
            (request("/hit", host: "evil.example"), false),
        ]
        for (head, offered) in offers {
            let before = responder.asked.withLock { $0 }
            try channel.writeInbound(head)
            try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "payload")))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(responder.asked.withLock { $0 } == before + (offered ? 1 : 0))
            let parts = try routed(channel)
            #expect(parts.count == 3, "\(head): \(parts)")
            // The routed path answers; only then is the next request offered again.
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .notFound)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
            _ = try written(channel)
        }
        #expect(try channel.finish().isClean)
    }

    @Test("pipelined: a request behind an unanswered routed one is routed too, so answers keep their order")
    func pipelined() throws {
        let responder = FixedEdgeResponder()
        let channel = try channel(responder)
        try channel.writeInbound(request("/slow"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(request("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        // Both went to the routed path, and nothing was written ahead of the first answer.
        #expect(try routed(channel).count == 4)
        #expect(try written(channel).isEmpty)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        _ = try written(channel)
        // Nothing is outstanding: the next hit is answered here.
        try channel.writeInbound(request("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try routed(channel).isEmpty)
        #expect(try written(channel).count == 3)
        #expect(try channel.finish().isClean)
    }

    @Test("the body of an answered request is read and dropped; the next request is handled as usual")
    func bodyDropped() throws {
        let responder = FixedEdgeResponder()
        let channel = try channel(responder)
        try channel.writeInbound(request("/hit", fields: [.contentLength: "4"]))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "abcd")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(request("/miss"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        let parts = try routed(channel)
        #expect(parts.count == 2)
        if case .head(let head) = parts.first { #expect(head.path == "/miss") }
        #expect(try written(channel).count == 3)
        #expect(try channel.finish().isClean)
    }

    @Test("the installer puts the edge after Hummingbird's connection-state handler, which sees every exchange")
    func placement() throws {
        let responder = FixedEdgeResponder()
        let channel = try channel(responder)
        try channel.writeInbound(request("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        // The pipeline's description lists its handlers from head to tail; the installer is gone.
        let description = channel.pipeline.debugDescription
        let state = description.range(of: "HTTPConnectionStateHandler")
        let edge = description.range(of: "EdgeChannelHandler")
        #expect(state != nil && edge != nil && state!.lowerBound < edge!.lowerBound, "\(description)")
        #expect(!description.contains("Installer"), "\(description)")
        _ = try written(channel)
        #expect(try channel.finish().isClean)
    }
}
