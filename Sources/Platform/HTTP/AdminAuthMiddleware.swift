public import HTTPTypes
public import Hummingbird

/// Guards state-changing requests (`POST`, `PUT`, `PATCH`, `DELETE`): they need `Authorization: Bearer <admin
/// token>`, or a dashboard session cookie with its `X-CSRF-Token` from an allowed origin (``HostPolicy``: the
/// configured origins, never the request's own `Host`). Reads pass through.
///
/// Routes that other services call to make decisions (not to change configuration) can be exempted by
/// pattern, for example `/v1/ratelimit/check`.
public struct AdminAuthMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext
    let credentials: AdminCredentials
    let exemptRoutes: Set<String>
    let protectedReads: Set<String>
    let hostPolicy: HostPolicy

    /// Creates the middleware.
    /// - Parameters:
    ///   - credentials: The admin token and session keys.
    ///   - hostPolicy: Which origins a dashboard session may change state from.
    ///   - exemptRoutes: Route patterns (as registered) whose unsafe methods need no credentials.
    ///   - protectedReads: Route patterns (as registered) whose reads (GET, HEAD) need credentials too.
    public init(
        credentials: AdminCredentials,
        hostPolicy: HostPolicy,
        exemptRoutes: Set<String> = [],
        protectedReads: Set<String> = []
    ) {
        self.credentials = credentials
        self.hostPolicy = hostPolicy
        self.exemptRoutes = exemptRoutes
        self.protectedReads = protectedReads
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch request.method {
        case .get, .head:
            guard let route = context.matchedRoute, protectedReads.contains(route) else {
                return try await next(request, context)
            }
            var context = context
            context.principal = try authorise(request, read: true)
            return try await next(request, context)
        case .options: return try await next(request, context)
        default: break
        }
        // No route: let the router answer 404 or 405 without asking for credentials first.
        guard let route = context.matchedRoute else { return try await next(request, context) }
        if exemptRoutes.contains(route) {
            return try await next(request, context)
        }
        var context = context
        context.principal = try authorise(request)
        return try await next(request, context)
    }

    func authorise(_ request: Request, read: Bool = false) throws -> MasteryRequestContext.Principal {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", credentials.verify(token: String(parts[1])) {
                return .adminToken
            }
            throw ProblemDetails.unauthorized(
                "The bearer token is not the admin token.",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        guard let session = request.cookies[AdminCredentials.sessionCookie]?.value, credentials.verify(session: session)
        else {
            throw ProblemDetails.unauthorized(
                read
                    ? "This resource is private: send Authorization: Bearer <admin token>, or use the dashboard."
                    : "This request changes state: send Authorization: Bearer <admin token>, or use the dashboard.",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" {
            throw ProblemDetails.forbidden("Cross-site requests cannot change state.")
        }
        if let origin = request.headers[.origin], !hostPolicy.allows(origin: origin) {
            throw ProblemDetails.forbidden("Requests from that origin cannot change state (see allowedOrigins).")
        }
        // A read changes nothing: a same-origin session cookie is enough.
        if read { return .dashboardSession }
        guard let presented = request.headers[.csrfToken],
            ConstantTime.equals(presented, credentials.csrfToken(for: session))
        else {
            throw ProblemDetails.forbidden("The X-CSRF-Token header is missing or does not match the session.")
        }
        return .dashboardSession
    }
}

extension HTTPField.Name {
    /// `Sec-Fetch-Site`.
    public static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
