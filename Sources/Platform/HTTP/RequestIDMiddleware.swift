public import HTTPTypes
public import Hummingbird
import Logging

/// Gives each request an ID: the incoming `X-Request-ID` when it is sane (1–128 characters of letters, digits,
/// `-`, `_`, `.`, `:`), otherwise a new random one. The ID goes into the log metadata (`request.id`) and back in
/// the response's `X-Request-ID`, errors included.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID]
        let id = incoming.flatMap { Self.isSane($0) ? $0 : nil } ?? Self.makeID()
        context.requestID = id
        context.logger[metadataKey: "request.id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// Whether an incoming ID is safe to log and echo.
    public static func isSane(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
            }
    }

    /// A new random ID: 16 bytes as 32 hex digits.
    public static func makeID() -> String {
        TraceContext.randomHex(bytes: 16)
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    public static let requestID = HTTPField.Name("X-Request-ID")!
    /// `traceparent` (W3C Trace Context).
    public static let traceparent = HTTPField.Name("traceparent")!
    /// `traceresponse` (W3C Trace Context Level 2): the server's span, for the client to correlate.
    public static let traceresponse = HTTPField.Name("traceresponse")!
    /// `X-CSRF-Token`.
    public static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
