import Crypto
public import HTTPTypes
public import Hummingbird
public import Platform

/// What a ``RateLimitMiddleware`` limits by: a key derived from each request.
///
/// Each extractor prefixes its keys with its kind (`apikey:`, `user:`, `ip:`, `route:`), so two middlewares
/// sharing a policy but keyed differently never count into one bucket, and the dashboard's "most limited keys"
/// say what they are. An extractor answers `nil` when the request has no such key (no API key header, no
/// authenticated user, no peer address); the middleware's ``RateLimitMiddleware/MissingKey`` rule decides what
/// then happens.
///
/// Keys may be up to ``RateLimitCheck/maximumKeyLength`` bytes; a longer one is refused with `400`, never
/// truncated (truncation would make different clients share a bucket).
public struct RateLimitKeyExtractor<Context: RequestContext>: Sendable {
    private let extract: @Sendable (Request, Context) -> String?

    /// An extractor from a closure; `nil` or an empty string means the request has no key.
    public init(_ extract: @escaping @Sendable (Request, Context) -> String?) {
        self.extract = extract
    }

    /// The request's key, or `nil` when it has none.
    public func key(for request: Request, context: Context) -> String? {
        guard let key = extract(request, context), !key.isEmpty else { return nil }
        return key
    }

    /// Keyed by an API key header: `apikey:` and the first 128 bits of the value's SHA-256, in hex. The
    /// credential itself never reaches the store, the logs or the statistics, and every key has the same
    /// length however long the header is. A missing or empty header is no key.
    public static func apiKey(header: HTTPField.Name = HTTPField.Name("X-API-Key")!) -> Self {
        Self { request, _ in
            guard let value = request.headers[header], !value.isEmpty else { return nil }
            let digest = SHA256.hash(data: Array(value.utf8))
            return "apikey:"
                + digest.prefix(16).map { byte in
                    let hex = String(byte, radix: 16)
                    return byte < 16 ? "0" + hex : hex
                }.joined()
        }
    }

    /// Keyed by the authenticated user that `identify` finds (set by an authentication middleware that runs
    /// before the limiter): `user:<identity>`.
    public static func user(_ identify: @escaping @Sendable (Request, Context) -> String?) -> Self {
        Self { request, context in identify(request, context).flatMap { $0.isEmpty ? nil : "user:" + $0 } }
    }

    /// Keyed by the client's address as `resolver` finds it behind trusted proxies: `ip:192.0.2.60`.
    /// - Parameters:
    ///   - resolver: The trusted proxies and the forwarding header they write.
    ///   - peer: The TCP peer's address (from the context, which knows the connection).
    public static func clientIP(
        _ resolver: ClientAddressResolver,
        peer: @escaping @Sendable (Request, Context) -> String?
    ) -> Self {
        Self { request, context in
            resolver.clientAddress(peer: peer(request, context), headers: request.headers).map { "ip:" + $0 }
        }
    }

    /// Keyed by the matched route: `route:GET /v1/things/{id}` (every client of a route shares its limit).
    public static var route: Self {
        Self { request, context in
            context.endpointPath.map { "route:\(request.method.rawValue) \($0)" }
        }
    }

    /// The same key for every request (one limit shared by all), such as `global`.
    public static func constant(_ key: String) -> Self {
        Self { _, _ in key }
    }

    /// Keyed by several extractors at once (per user *and* route): their keys joined with `|`, each part's `%`
    /// and `|` percent-encoded so different parts can never join into the same key. No key when any part has
    /// none.
    public static func combined(_ extractors: [Self]) -> Self {
        Self { request, context in
            var parts: [String] = []
            for extractor in extractors {
                guard let part = extractor.key(for: request, context: context) else { return nil }
                parts.append(part.replacingPercentAndBar())
            }
            return parts.isEmpty ? nil : parts.joined(separator: "|")
        }
    }
}

extension RateLimitKeyExtractor where Context == MasteryRequestContext {
    /// Keyed by the client's address behind trusted proxies, from the connection's peer address.
    public static func clientIP(_ resolver: ClientAddressResolver) -> Self {
        clientIP(resolver) { _, context in context.remoteAddress }
    }

    /// Keyed by who authorised a state-changing request (``AdminAuthMiddleware`` sets it on unsafe methods):
    /// `user:admin-token` or `user:dashboard-session`. Reads have no principal, so no key.
    public static var principal: Self {
        user { _, context in
            switch context.principal {
            case .adminToken: "admin-token"
            case .dashboardSession: "dashboard-session"
            case nil: nil
            }
        }
    }
}

extension String {
    fileprivate func replacingPercentAndBar() -> String {
        guard contains(where: { $0 == "%" || $0 == "|" }) else { return self }
        var result = ""
        for character in self {
            switch character {
            case "%": result += "%25"
            case "|": result += "%7C"
            default: result.append(character)
            }
        }
        return result
    }
}
