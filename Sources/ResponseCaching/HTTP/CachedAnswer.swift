import HTTPTypes
import NIOCore

/// How a stored response is answered, shared by ``ResponseCacheMiddleware`` (in the router) and
/// ``ResponseCacheEdge`` (on the event loop): `Age`, `Cache-Status` (RFC 9211), a 304 when the client's validators
/// match, no body for `HEAD`; and the keys of a URL's variants.
struct CachedAnswer: Sendable {
    /// The cache's name in `Cache-Status`.
    let name: String

    /// The answer to `request` from `stored` (a response, not a `Vary` marker) at `now`, with `cacheStatus`;
    /// the body is `nil` for `HEAD` and 304 (`length` is then what a `GET` would have carried).
    func answer(
        _ stored: StoredResponse,
        request: HTTPRequest,
        now: Double,
        cacheStatus: (_ ttl: Int64) -> String
    ) -> (head: HTTPResponse, body: ByteBuffer?, length: Int)? {
        guard case .response(let code, var headers, let body, let metadata) = stored.content else { return nil }
        headers[.age] = metadata.ageFieldValue(now: now)
        headers[.cacheStatus] = cacheStatus(Int64(metadata.timeToLive(now: now).rounded(.down)))
        if HTTPCacheValidation.isNotModified(request: request, stored: metadata) {
            var fields = HTTPCacheValidation.notModifiedFields(from: headers)
            fields[.age] = headers[.age]
            fields[.cacheStatus] = headers[.cacheStatus]
            return (HTTPResponse(status: .notModified, headerFields: fields), nil, 0)
        }
        let head = HTTPResponse(status: HTTPResponse.Status(code: code), headerFields: headers)
        return (head, request.method == .head ? nil : body, body.readableBytes)
    }

    /// `Cache-Status` of this cache.
    func status(
        hit: Bool,
        forward: HTTPCacheStatus.Forward? = nil,
        ttl: Int64? = nil,
        stored: Bool = false,
        collapsed: Bool = false,
        detail: String? = nil
    ) -> String {
        HTTPCacheStatus(
            cacheName: name,
            hit: hit,
            forward: forward,
            forwardStatus: nil,
            timeToLive: ttl,
            stored: stored,
            collapsed: collapsed,
            key: nil,
            detail: detail
        ).description
    }

    /// The key of the variant a request selects, for a URL whose responses vary on `names`.
    static func variantKey(primary: String, names: [String], fields: HTTPFields) -> String {
        let secondary = HTTPCacheVary.secondaryKey(
            names: names,
            values: names.map { HTTPCacheVary.normalizedValue(of: $0, in: fields) }
        )
        let printable = String(
            String.UnicodeScalarView(secondary.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 })
        )
        return primary + " " + printable
    }

    /// The tag every variant of a URL carries, so one invalidation reaches them all.
    static func urlTag(_ primary: String) -> String { "url:" + primary }
}
