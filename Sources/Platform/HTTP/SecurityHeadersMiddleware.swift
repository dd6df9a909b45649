public import HTTPTypes
public import Hummingbird

/// Adds the browser-hardening headers: `X-Content-Type-Options: nosniff` on every response (problems included), so
/// no browser reads JSON or text as a page; and on every HTML document a Content-Security-Policy that allows
/// scripts, styles and requests only from this server (no inline script or style, no framing, no plugins),
/// `Referrer-Policy: no-referrer` and `X-Frame-Options: DENY` for browsers without `frame-ancestors`. The document
/// headers only matter where a browser renders a document, so API responses do not pay for them. A handler that
/// sets one of them keeps its own value.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext

    /// The policy every page is served with.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response.headers)
        return response
    }

    /// Adds the headers that are not already set.
    public static func apply(to headers: inout HTTPFields) {
        if headers[.xContentTypeOptions] == nil { headers[.xContentTypeOptions] = "nosniff" }
        guard headers[.contentType]?.hasPrefix("text/html") == true else { return }
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = contentSecurityPolicy }
        if headers[.referrerPolicy] == nil { headers[.referrerPolicy] = "no-referrer" }
        if headers[.xFrameOptions] == nil { headers[.xFrameOptions] = "DENY" }
    }
}

extension HTTPField.Name {
    /// `Referrer-Policy`.
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// `X-Frame-Options`.
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
