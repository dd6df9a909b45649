public import HTTPTypes
import HummingbirdCore
public import NIOCore
public import NIOHTTPTypes

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives the answers of ``EdgeResponder``s on the connection's event loop, in Hummingbird's HTTP/1 pipeline
/// between its connection-state handler (idle timeout, graceful shutdown: it sees every request and response) and
/// the routed path. A request is offered to the responders only when no routed request of the connection is still
/// unanswered, so pipelined responses keep their order; it must be a `GET` or `HEAD` whose `Connection` asks at
/// most `close` or `keep-alive` (the HTTP/1 layer below closes after the answer when asked), for a `Host` the server
/// serves. The rest of an answered request (a body) is read and dropped.
///
/// ``install(responders:hostPolicy:serverName:)`` gives the handler to list in
/// `HTTP1Channel.Configuration.additionalChannelHandlers`: it places this one after the connection-state handler
/// (which Hummingbird adds after that list) on the first read, and removes itself.
public final class EdgeChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    let responders: [any EdgeResponder]
    let hostPolicy: HostPolicy
    let serverName: String
    /// Routed requests whose response has not ended.
    var routed = 0
    /// Whether the rest of a request answered here is being dropped.
    var discarding = false
    /// Whether an answer was written since the last flush.
    var needsFlush = false
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
        case .head(let request):
            if routed == 0, let answer = answer(request) {
                write(answer, for: request, context: context)
                discarding = true
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
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), routed > 0 { routed -= 1 }
        context.write(data, promise: promise)
    }

    /// A responder's answer, when the request may be answered here at all.
    func answer(_ request: HTTPRequest) -> EdgeResponse? {
        guard request.method == .get || request.method == .head, Self.isPlainConnection(request.headerFields),
            isAllowed(request)
        else { return nil }
        for responder in responders {
            if let answer = responder.respond(to: request) { return answer }
        }
        return nil
    }

    /// Whether `Connection` asks nothing beyond closing or keeping the connection (which the HTTP/1 layer below
    /// handles for every response): an `Upgrade` or any other option is left to the routed path.
    static func isPlainConnection(_ fields: HTTPFields) -> Bool {
        for value in fields[values: .connection] {
            for option in value.split(separator: ",") {
                let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
                let option = option.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
                    .map { $0.lowercased() }.joined()
                guard option == "close" || option == "keep-alive" else { return false }
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

    func write(_ answer: EdgeResponse, for request: HTTPRequest, context: ChannelHandlerContext) {
        var head = answer.head
        head.headerFields[.date] = currentDate()
        head.headerFields[.server] = serverName
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .head, answer.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        needsFlush = true
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
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Places an ``EdgeChannelHandler`` after Hummingbird's connection-state handler on the first read (the
    /// pipeline is complete by then), and removes itself.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart

        let responders: [any EdgeResponder]
        let hostPolicy: HostPolicy
        let serverName: String

        init(responders: [any EdgeResponder], hostPolicy: HostPolicy, serverName: String) {
            self.responders = responders
            self.hostPolicy = hostPolicy
            self.serverName = serverName
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let edge = EdgeChannelHandler(responders: responders, hostPolicy: hostPolicy, serverName: serverName)
            let pipeline = context.pipeline.syncOperations
            do {
                let state = try pipeline.context(handlerType: HTTPConnectionStateHandler.self)
                try pipeline.addHandler(edge, position: .after(state.handler))
            } catch {
                // No connection-state handler (another server setup): right after this one.
                try? pipeline.addHandler(edge, position: .after(self))
            }
            context.fireChannelRead(data)
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}

extension HTTPField.Name {
    /// `Server`.
    static let server = HTTPField.Name("Server")!
}
