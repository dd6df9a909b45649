public import Hummingbird

/// The request context of every Mastery route: Hummingbird's core context plus what our middleware learns.
public struct MasteryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request ID (an incoming sane `X-Request-ID`, or a new one), echoed in the response.
    public var requestID: String = ""
    /// The largest body a handler may read, in bytes (set from `maxBodySize`).
    public var maxBodySize: Int = 1 << 20
    /// How the request was authorised for state-changing routes, once ``AdminAuthMiddleware`` has run.
    public var principal: Principal? = nil
    /// The remote peer's address, when known.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The route pattern that matched (`/v1/things/{id}`), or `nil` when no route did.
    public var matchedRoute: String? {
        guard let path = endpointPath, path != "NotFound" else { return nil }
        return path
    }

    /// Hummingbird's limit for `request.decode` follows ours.
    public var maxUploadSize: Int { maxBodySize }

    /// Who may change state: the bearer of the admin token, or a dashboard session.
    public enum Principal: Sendable, Hashable {
        /// The request carried the admin token.
        case adminToken
        /// The request came from the dashboard with a valid session and CSRF token.
        case dashboardSession
    }
}
