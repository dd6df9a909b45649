/// One member of the `Cache-Status` response field (RFC 9211): how one cache handled the request.
public struct HTTPCacheStatus: Hashable, Sendable, CustomStringConvertible {
    /// Why the cache forwarded the request (the `fwd` parameter, RFC 9211 §2.2).
    public struct Forward: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case bypass = "bypass"
            case method = "method"
            case uriMiss = "uri-miss"
            case varyMiss = "vary-miss"
            case miss = "miss"
            case request = "request"
            case stale = "stale"
            case partial = "partial"
        }

        private let base: Base

        /// The cache was configured not to handle this request.
        public static let bypass = Self(base: .bypass)
        /// The request method is not cacheable.
        public static let method = Self(base: .method)
        /// Nothing was stored for the URI.
        public static let uriMiss = Self(base: .uriMiss)
        /// Responses were stored for the URI, but none matched the `Vary` fields.
        public static let varyMiss = Self(base: .varyMiss)
        /// The cache had nothing usable, for an unspecified reason.
        public static let miss = Self(base: .miss)
        /// The request's directives asked for a forward (for example `no-cache`).
        public static let request = Self(base: .request)
        /// A stored response was stale and had to be validated.
        public static let stale = Self(base: .stale)
        /// Only part of the response was stored.
        public static let partial = Self(base: .partial)

        /// The token, such as `uri-miss`.
        public var description: String { self.base.rawValue }
    }

    /// The cache's name: a token when possible, else a quoted string.
    public var cacheName: String
    /// Whether the request was satisfied from the cache without contacting the origin (`hit`).
    public var hit: Bool
    /// Why the request went to the origin (`fwd`).
    public var forward: Forward?
    /// The status code of the origin's response (`fwd-status`).
    public var forwardStatus: Int?
    /// The remaining freshness in seconds, negative when stale (`ttl`).
    public var timeToLive: Int64?
    /// Whether the response was stored (`stored`).
    public var stored: Bool
    /// Whether the request was collapsed into another one (`collapsed`).
    public var collapsed: Bool
    /// The cache key, for debugging (`key`).
    public var key: String?
    /// Extra detail: a token or free text (`detail`).
    public var detail: String?

    /// Creates a `Cache-Status` member.
    public init(
        cacheName: String,
        hit: Bool = false,
        forward: Forward? = nil,
        forwardStatus: Int? = nil,
        timeToLive: Int64? = nil,
        stored: Bool = false,
        collapsed: Bool = false,
        key: String? = nil,
        detail: String? = nil
    ) {
        self.cacheName = cacheName
        self.hit = hit
        self.forward = forward
        self.forwardStatus = forwardStatus
        self.timeToLive = timeToLive
        self.stored = stored
        self.collapsed = collapsed
        self.key = key
        self.detail = detail
    }

    /// The structured-field form, for example `Mastery; fwd=uri-miss; fwd-status=200; stored; ttl=60`.
    public var description: String {
        var parts = [Self.tokenOrString(self.cacheName)]
        if self.hit { parts.append("hit") }
        if let forward = self.forward { parts.append("fwd=\(forward)") }
        if let forwardStatus = self.forwardStatus { parts.append("fwd-status=\(forwardStatus)") }
        if let timeToLive = self.timeToLive { parts.append("ttl=\(timeToLive)") }
        if self.stored { parts.append("stored") }
        if self.collapsed { parts.append("collapsed") }
        if let key = self.key { parts.append("key=\(Self.quoted(key))") }
        if let detail = self.detail { parts.append("detail=\(Self.tokenOrString(detail))") }
        return parts.joined(separator: "; ")
    }

    /// The field value with this member appended after an existing `Cache-Status` value (caches closer to the
    /// origin come first, RFC 9211 §2).
    /// - Parameter existing: the value received from upstream, if any.
    public func appended(to existing: String?) -> String {
        guard let existing, !existing.isEmpty else { return self.description }
        return "\(existing), \(self.description)"
    }

    /// Writes text as a structured-field token when it is one (RFC 8941 §3.3.4), else as a string.
    static func tokenOrString(_ text: String) -> String {
        guard let first = text.utf8.first,
            (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z"))
                || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")) || first == UInt8(ascii: "*"),
            text.utf8.allSatisfy({
                HTTPFieldListParser.isTokenByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/")
            })
        else { return Self.quoted(text) }
        return text
    }

    /// Writes text as a structured-field string (RFC 8941 §3.3.3); characters outside printable ASCII become `?`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": result += "\\\(scalar)"
            case " "..."~": result.unicodeScalars.append(scalar)
            default: result += "?"
            }
        }
        return result + "\""
    }
}
