/// What a shared cache does with a request, given what it has stored (RFC 9111 §4).
public enum HTTPCacheDecision: Hashable, Sendable {
    /// Serve the stored response. `age` is the `Age` to send; `timeToLive` is negative when the client accepted
    /// a stale response with `max-stale`.
    case serve(age: Int64, timeToLive: Int64)
    /// Serve the stored, stale response and revalidate it in the background (`stale-while-revalidate`).
    case serveWhileRevalidating(age: Int64, timeToLive: Int64)
    /// Send a conditional request to the origin (see ``HTTPCacheValidation``) before serving.
    case revalidate(Reason)
    /// Forward the request to the origin: nothing usable is stored.
    case forward
    /// Answer 504 without contacting the origin: the client sent `only-if-cached` and nothing usable is stored.
    case gatewayTimeout

    /// Why the stored response needs validation.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case stale = "stale"
            case mustRevalidate = "must-revalidate"
            case noCache = "no-cache"
            case requestNoCache = "request-no-cache"
            case requestMaxAge = "request-max-age"
            case requestMinFresh = "request-min-fresh"
        }

        private let base: Base

        /// The response is stale and no stale serving applies.
        public static let stale = Self(base: .stale)
        /// The response is stale and `must-revalidate`, `proxy-revalidate` or `s-maxage` forbid serving it.
        public static let mustRevalidate = Self(base: .mustRevalidate)
        /// The response carried `no-cache`.
        public static let noCache = Self(base: .noCache)
        /// The request carried `no-cache`.
        public static let requestNoCache = Self(base: .requestNoCache)
        /// The response is older than the request's `max-age`.
        public static let requestMaxAge = Self(base: .requestMaxAge)
        /// The response would not stay fresh for the request's `min-fresh`.
        public static let requestMinFresh = Self(base: .requestMinFresh)

        /// Whether the client's request directives, rather than the response's state, caused the validation.
        public var isRequested: Bool {
            self == .requestNoCache || self == .requestMaxAge || self == .requestMinFresh
        }

        /// The `Cache-Status` `fwd` value for this reason: `request` or `stale`.
        public var forward: HTTPCacheStatus.Forward { self.isRequested ? .request : .stale }

        /// A token for logs, such as `request-max-age`.
        public var description: String { self.base.rawValue }
    }
}
