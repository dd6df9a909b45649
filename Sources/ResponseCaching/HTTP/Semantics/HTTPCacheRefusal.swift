/// Why a shared cache refuses to store a response (RFC 9111 §3), for logs and the `Cache-Status` `detail`.
public struct HTTPCacheRefusal: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Hashable, Sendable {
        case method = "method"
        case status = "status"
        case requestNoStore = "request-no-store"
        case noStore = "no-store"
        case isPrivate = "private"
        case authorization = "authorization"
        case varyAny = "vary-star"
        case setCookie = "set-cookie"
        case noFreshness = "no-freshness"
    }

    private let base: Base

    /// The request method is neither GET nor HEAD.
    public static let method = Self(base: .method)
    /// The status code is not final, is 206/304, or is not understood while `must-understand` is present.
    public static let status = Self(base: .status)
    /// The request carried `Cache-Control: no-store`.
    public static let requestNoStore = Self(base: .requestNoStore)
    /// The response carried `Cache-Control: no-store` (and no honoured `must-understand`).
    public static let noStore = Self(base: .noStore)
    /// The response carried `Cache-Control: private`.
    public static let `private` = Self(base: .isPrivate)
    /// The request carried `Authorization` and the response did not allow sharing (RFC 9111 §3.5).
    public static let authorization = Self(base: .authorization)
    /// The response carried `Vary: *`, which never matches.
    public static let varyAny = Self(base: .varyAny)
    /// The response sets a cookie; stored only when configured (as in nginx and Varnish, off by default).
    public static let setCookie = Self(base: .setCookie)
    /// The response has no explicit freshness, no `public`, and no heuristic freshness or validator.
    public static let noFreshness = Self(base: .noFreshness)

    /// A token for logs and for the `detail` parameter of `Cache-Status`, such as `no-store`.
    public var detail: String { self.base.rawValue }

    /// The same as ``detail``.
    public var description: String { self.base.rawValue }
}
