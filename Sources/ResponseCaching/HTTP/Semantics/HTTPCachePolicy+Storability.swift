public import HTTPTypes

extension HTTPCachePolicy {
    /// Decides whether a shared cache may store the response (RFC 9111 §3, §3.5).
    ///
    /// Checked in order: method GET or HEAD; a final status other than 206 and 304 (understood, if
    /// `must-understand`); no request `no-store`; no response `no-store` (unless `must-understand` with an
    /// understood status); no `private`; `Authorization` only with `public`, `s-maxage` or `must-revalidate`;
    /// no `Vary: *`; no `Set-Cookie` unless configured; and explicit freshness (`max-age`, `s-maxage`,
    /// `Expires`), `public`, or a heuristically cacheable status with `Last-Modified` or `ETag`.
    /// - Parameters:
    ///   - request: the request forwarded to the origin.
    ///   - response: the origin's response.
    /// - Returns: `nil` when the response may be stored, else why not.
    public func refusal(request: HTTPRequest, response: HTTPResponse) -> HTTPCacheRefusal? {
        guard request.method == .get || request.method == .head else { return .method }
        let control = HTTPCacheControl(response.headerFields)
        let code = response.status.code
        let understood = self.configuration.understoodStatusCodes.contains(code)
        guard code >= 200, code != 206, code != 304, !control.mustUnderstand || understood else { return .status }
        if HTTPCacheControl(request.headerFields).noStore { return .requestNoStore }
        if control.noStore && !(control.mustUnderstand && understood) { return .noStore }
        if control.isPrivate { return .private }
        if request.headerFields[.authorization] != nil,
            !(control.isPublic || control.sharedMaxAge != nil || control.mustRevalidate)
        {
            return .authorization
        }
        if HTTPCacheVary(response.headerFields).isWildcard { return .varyAny }
        if !self.configuration.storesResponsesWithSetCookie, response.headerFields[.setCookie] != nil {
            return .setCookie
        }
        let fields = response.headerFields
        let explicit = control.maxAge != nil || control.sharedMaxAge != nil || fields[.expires] != nil
        let heuristic =
            self.configuration.heuristicallyCacheableStatusCodes.contains(code)
            && (fields[.lastModified] != nil || fields[.eTag] != nil)
        guard explicit || control.isPublic || heuristic else { return .noFreshness }
        return nil
    }

    /// The freshness lifetime of a response for a shared cache (RFC 9111 §4.2.1): `s-maxage`, else `max-age`,
    /// else `Expires − Date` (an invalid `Expires` means already expired), else the heuristic.
    /// - Parameters:
    ///   - response: the response.
    ///   - date: its `Date` in seconds since the epoch (the response time when it has none).
    /// - Returns: the lifetime in seconds, and whether it is heuristic.
    public func freshnessLifetime(response: HTTPResponse, date: Int64) -> (seconds: Int64, isHeuristic: Bool) {
        let fields = response.headerFields
        let control = HTTPCacheControl(fields)
        if let sharedMaxAge = control.sharedMaxAge { return (sharedMaxAge, false) }
        if let maxAge = control.maxAge { return (maxAge, false) }
        if let expires = fields[values: .expires].first {
            guard let expiry = HTTPCacheDate.parse(expires) else { return (0, false) }
            return (max(0, expiry - date), false)
        }
        let code = response.status.code
        guard control.isPublic || self.configuration.heuristicallyCacheableStatusCodes.contains(code),
            let lastModifiedText = fields[values: .lastModified].first,
            let lastModified = HTTPCacheDate.parse(lastModifiedText), lastModified < date
        else { return (0, true) }
        let heuristic = Double(date - lastModified) * self.configuration.heuristicFraction
        return (min(Int64(heuristic), self.configuration.maximumHeuristicLifetime), true)
    }
}
