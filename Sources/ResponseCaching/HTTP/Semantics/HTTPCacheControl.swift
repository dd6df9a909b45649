public import HTTPTypes

/// The parsed `Cache-Control` directives of a request or a response (RFC 9111 §5.2, RFC 5861).
///
/// Every field line is read; a directive that appears more than once keeps its first value (RFC 9111 §4.2.1).
/// Names are case-insensitive, values may be tokens or quoted strings. A `max-age` or `s-maxage` whose value is
/// not a valid delta-seconds is kept as `0`, so the response is treated as stale; other invalid values are ignored.
/// Values beyond 2³¹ are clamped to 2³¹ (RFC 9111 §1.2.2).
public struct HTTPCacheControl: Hashable, Sendable {
    /// The largest delta-seconds value a cache must represent (RFC 9111 §1.2.2).
    public static let deltaSecondsLimit: Int64 = 2_147_483_648

    /// `max-age`: the freshness lifetime in seconds (response) or the greatest acceptable age (request).
    public var maxAge: Int64?
    /// `s-maxage`: the freshness lifetime for shared caches (response).
    public var sharedMaxAge: Int64?
    /// `no-cache`: a stored response must be validated before use. The field-name form counts as plain `no-cache`.
    public var noCache: Bool = false
    /// `no-store`: neither the request nor the response may be stored.
    public var noStore: Bool = false
    /// `private`: a shared cache must not store the response (with or without field names).
    public var isPrivate: Bool = false
    /// `public`: the response may be stored even when it otherwise would not be.
    public var isPublic: Bool = false
    /// `must-revalidate`: once stale, the response must not be used without successful validation.
    public var mustRevalidate: Bool = false
    /// `proxy-revalidate`: `must-revalidate` for shared caches.
    public var proxyRevalidate: Bool = false
    /// `must-understand`: store only when the status code is understood (then `no-store` is overridden).
    public var mustUnderstand: Bool = false
    /// `no-transform`: intermediaries must not transform the content.
    public var noTransform: Bool = false
    /// `immutable`: the representation will not change while fresh (RFC 8246).
    public var immutable: Bool = false
    /// `stale-while-revalidate`: seconds after becoming stale during which the response may be served while it is
    /// revalidated in the background (RFC 5861 §3).
    public var staleWhileRevalidate: Int64?
    /// `stale-if-error`: seconds after becoming stale during which the response may be served when the origin
    /// fails (RFC 5861 §4); valid in requests and responses.
    public var staleIfError: Int64?
    /// `max-stale` (request): the staleness the client accepts; without a value it is `Int64.max` (any staleness).
    public var maxStale: Int64?
    /// `min-fresh` (request): the response must stay fresh for at least this many more seconds.
    public var minFresh: Int64?
    /// `only-if-cached` (request): answer from the cache or with 504.
    public var onlyIfCached: Bool = false

    /// Creates an empty set of directives.
    public init() {}

    /// Parses every `Cache-Control` field line of the fields.
    /// - Parameter fields: request or response header fields.
    public init(_ fields: HTTPFields) {
        self.init(lines: fields[values: .cacheControl])
    }

    /// Parses `Cache-Control` field line values, in order.
    /// - Parameter lines: the field line values, each possibly a comma-separated list.
    public init(lines: [String]) {
        var seen: Set<String> = []
        for directive in HTTPFieldListParser.directives(lines) {
            guard seen.insert(directive.name).inserted else { continue }
            self.apply(directive)
        }
    }

    private mutating func apply(_ directive: HTTPFieldListParser.Directive) {
        let seconds = directive.value.flatMap(Self.deltaSeconds(_:))
        switch directive.name {
        case "max-age": self.maxAge = seconds ?? 0
        case "s-maxage": self.sharedMaxAge = seconds ?? 0
        case "no-cache": self.noCache = true
        case "no-store": self.noStore = true
        case "private": self.isPrivate = true
        case "public": self.isPublic = true
        case "must-revalidate": self.mustRevalidate = true
        case "proxy-revalidate": self.proxyRevalidate = true
        case "must-understand": self.mustUnderstand = true
        case "no-transform": self.noTransform = true
        case "immutable": self.immutable = true
        case "stale-while-revalidate": self.staleWhileRevalidate = seconds
        case "stale-if-error": self.staleIfError = seconds
        case "max-stale": self.maxStale = directive.value == nil ? Int64.max : seconds
        case "min-fresh": self.minFresh = seconds
        case "only-if-cached": self.onlyIfCached = true
        default: break
        }
    }

    /// Parses delta-seconds (`1*DIGIT`), clamping at ``deltaSecondsLimit``; `nil` when invalid.
    /// - Parameter text: the directive value without quotes.
    public static func deltaSeconds(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = min(value * 10 + Int64(byte - UInt8(ascii: "0")), Self.deltaSecondsLimit)
        }
        return value
    }
}
