public import HTTPTypes
public import Hummingbird
import Logging

/// Answers `421 Misdirected Request` to a request whose `Host` the server does not serve (``HostPolicy``), before
/// any route, session or page sees it: a DNS-rebinding page cannot obtain a session, a CSRF token or any state.
public struct HostValidationMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext
    let policy: HostPolicy
    /// `Host` as a header (HTTP Types moves it to `authority`; in-process test requests keep it as a field).
    public static let hostField = HTTPField.Name("Host")!

    /// Creates the middleware.
    public init(policy: HostPolicy) {
        self.policy = policy
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard Self.isAllowed(request.head, policy: policy) else {
            context.logger.notice("Request for a host this server does not serve refused")
            throw ProblemDetails.unknownHost(
                "This server does not answer for that Host name; configure it in allowedHosts if it is yours."
            )
        }
        return try await next(request, context)
    }

    /// Whether `request` names only hosts that `policy` serves: the authority (where HTTP/1's Host ends up) and any
    /// Host field left among the headers must all pass.
    public static func isAllowed(_ request: HTTPRequest, policy: HostPolicy) -> Bool {
        var allowed = request.authority.map(policy.allows(host:)) ?? true
        for field in request.headerFields where field.name == hostField {
            allowed = allowed && policy.allows(host: field.value)
        }
        return allowed
    }
}
