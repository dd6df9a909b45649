public import HTTPTypes
public import NIOCore
public import NIOHTTP1
import NIOHTTPTypesHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives the answers of ``EdgeResponder``s at the HTTP/1 layer, right after SwiftNIO's request decoder: an answered
/// request never reaches Hummingbird (no conversion of its head and answer between NIO's and Swift HTTP Types', no
/// hop to Swift's concurrency pool), which is what lets a cache hit approach a C server's speed.
///
/// A request is offered to the responders only when no routed request of the connection is still unanswered, so
/// pipelined responses keep their order; it must be an HTTP/1.1 keep-alive `GET` or `HEAD` whose `Connection` names
/// nothing but `keep-alive`, for a `Host` the server serves. The rest of an answered request (a body) is read and
/// dropped. After a read in which it answered, the handler fires ``AnsweredEvent`` towards the routed path, so the
/// handlers above that time the client (``RequestHeadTimeoutHandler``) know a request came and was answered.
///
/// ``install(responders:hostPolicy:serverName:)`` gives the handler to list in
/// `HTTP1Channel.Configuration.additionalChannelHandlers`: it places this one before ``HTTP1ConnectionHandler``
/// (which sits after the decoder) and removes itself.
public final class EdgeChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    /// Fired towards the routed path after a read in which requests were answered here.
    public struct AnsweredEvent: Sendable {
        /// The event.
        public init() {}
    }

    let responders: [any EdgeResponder]
    let hostPolicy: HostPolicy
    let serverName: String
    /// Routed requests whose response has not ended.
    var routed = 0
    /// Whether the rest of a request answered here is being dropped.
    var discarding = false
    /// Whether requests were answered since the last read completed.
    var answered = false
    /// The authority of the last request that passed the host policy on this connection (it rarely changes).
    var allowedAuthority: String?
    /// The `Date` value of the current second.
    var date: (second: Int, text: String) = (-1, "")

    init(responders: [any EdgeResponder], hostPolicy: HostPolicy, serverName: String) {
        self.responders = responders
        self.hostPolicy = hostPolicy
        self.serverName = serverName
    }

    /// The handler to list in `additionalChannelHandlers`.
    public static func install(
        responders: [any EdgeResponder],
        hostPolicy: HostPolicy,
        serverName: String
    ) -> any RemovableChannelHandler {
        Installer(responders: responders, hostPolicy: hostPolicy, serverName: serverName)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if routed == 0, let answer = answer(head) {
                write(answer, isHead: head.method == .HEAD, context: context)
                discarding = true
                answered = true
                return
            }
            discarding = false
            routed += 1
            context.fireChannelRead(data)
        case .body:
            if !discarding { context.fireChannelRead(data) }
        case .end:
            if discarding {
                discarding = false
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if answered {
            answered = false
            context.flush()
            context.fireUserInboundEventTriggered(AnsweredEvent())
        }
        context.fireChannelReadComplete()
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), routed > 0 { routed -= 1 }
        context.write(data, promise: promise)
    }

    /// A responder's answer, when the request may be answered here at all.
    func answer(_ head: HTTPRequestHead) -> EdgeResponse? {
        guard head.method == .GET || head.method == .HEAD, head.version == .http1_1, head.isKeepAlive else {
            return nil
        }
        // Only requests some responder may answer are converted: routed traffic pays for nothing more.
        let candidates = responders.filter { $0.pathPrefixes.contains { head.uri.hasPrefix($0) } }
        guard !candidates.isEmpty, Self.isPlainConnection(head.headers),
            let request = try? HTTPRequest(head, secure: false, splitCookie: false), isAllowed(request)
        else { return nil }
        for responder in candidates {
            if let answer = responder.respond(to: request) { return answer }
        }
        return nil
    }

    /// Whether `Connection` asks for nothing but keeping the connection: an `Upgrade`, `close` or any other option
    /// is left to the routed path.
    static func isPlainConnection(_ headers: HTTPHeaders) -> Bool {
        for value in headers["connection"] {
            for option in value.split(separator: ",") {
                let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
                let option = option.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
                guard String(option).lowercased() == "keep-alive" else { return false }
            }
        }
        return true
    }

    /// The host policy's verdict, remembered for the connection's last allowed authority.
    func isAllowed(_ request: HTTPRequest) -> Bool {
        if let authority = request.authority, authority == allowedAuthority,
            request.headerFields[HostValidationMiddleware.hostField] == nil
        {
            return true
        }
        guard HostValidationMiddleware.isAllowed(request, policy: hostPolicy) else { return false }
        allowedAuthority = request.authority
        return true
    }

    func write(_ answer: EdgeResponse, isHead: Bool, context: ChannelHandlerContext) {
        var head = answer.http1Head
        head.headers.add(name: "Date", value: currentDate())
        head.headers.add(name: "Server", value: serverName)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !isHead, answer.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The IMF-fixdate of now (RFC 9110 §5.6.7), formatted once a second.
    func currentDate() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        if second != date.second { date = (second, Self.imfFixdate(second)) }
        return date.text
    }

    static func imfFixdate(_ second: Int) -> String {
        var time = time_t(second)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Places an ``EdgeChannelHandler`` before ``HTTP1ConnectionHandler`` (else before the conversion to Swift HTTP
    /// Types, else right after itself) when it is added, and removes itself.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Never

        let responders: [any EdgeResponder]
        let hostPolicy: HostPolicy
        let serverName: String

        init(responders: [any EdgeResponder], hostPolicy: HostPolicy, serverName: String) {
            self.responders = responders
            self.hostPolicy = hostPolicy
            self.serverName = serverName
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let edge = EdgeChannelHandler(responders: responders, hostPolicy: hostPolicy, serverName: serverName)
            let operations = context.pipeline.syncOperations
            if let connection = try? operations.handler(type: HTTP1ConnectionHandler.self) {
                try? operations.addHandler(edge, position: .before(connection))
            } else if let codec = try? operations.handler(type: HTTP1ToHTTPServerCodec.self) {
                try? operations.addHandler(edge, position: .before(codec))
            } else {
                try? operations.addHandler(edge, position: .after(self))
            }
            operations.removeHandler(context: context, promise: nil)
        }
    }
}
