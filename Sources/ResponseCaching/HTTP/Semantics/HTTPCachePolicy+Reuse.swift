public import HTTPTypes

extension HTTPCachePolicy {
    /// Decides how to answer a request (RFC 9111 §4, §5.2.1; RFC 5861).
    ///
    /// The order: response `no-cache` and request `no-cache` need validation; the request's `max-age` and
    /// `min-fresh` are honoured; a fresh response is served; a stale one needs validation when
    /// `must-revalidate` (or `proxy-revalidate`, `s-maxage`) applies, may be served within the request's
    /// `max-stale`, or while revalidating within `stale-while-revalidate`; otherwise it is revalidated.
    /// With `only-if-cached`, anything but serving becomes ``HTTPCacheDecision/gatewayTimeout``.
    /// Request `no-store` does not prevent serving a stored response; it only prevents storing the new one.
    /// - Parameters:
    ///   - request: the client's request.
    ///   - stored: the stored variant that matches the request's key and `Vary` fields, if any.
    ///   - now: the current time.
    public func decision(for request: HTTPRequest, stored: HTTPCacheMetadata?, now: Double) -> HTTPCacheDecision {
        let control = HTTPCacheControl(request.headerFields)
        let decision = stored.map { self.reuse(stored: $0, control: control, now: now) } ?? .forward
        switch decision {
        case .serve, .serveWhileRevalidating, .gatewayTimeout:
            return decision
        case .revalidate, .forward:
            return control.onlyIfCached ? .gatewayTimeout : decision
        }
    }

    /// Whether a stale stored response may be served because the origin failed (a connection error, or a 500,
    /// 502, 503 or 504; see ``isOriginError(_:)``), within the larger `stale-if-error` window of the response
    /// and the request (RFC 5861 §4). Never when the response had `must-revalidate`, `proxy-revalidate`,
    /// `s-maxage` or `no-cache`.
    /// - Parameters:
    ///   - request: the client's request.
    ///   - stored: the stored variant.
    ///   - now: the current time.
    public func canServeStale(onErrorFor request: HTTPRequest, stored: HTTPCacheMetadata, now: Double) -> Bool {
        guard !stored.mustRevalidate, !stored.noCache else { return false }
        let requested = HTTPCacheControl(request.headerFields).staleIfError
        guard let window = [stored.staleIfError, requested].compactMap({ $0 }).max() else { return false }
        return -stored.timeToLive(now: now) <= Double(window)
    }

    private func reuse(stored: HTTPCacheMetadata, control: HTTPCacheControl, now: Double) -> HTTPCacheDecision {
        let age = stored.currentAge(now: now)
        let timeToLive = Double(stored.freshnessLifetime) - age
        let ageField = HTTPCacheMetadata.wholeSeconds(age)
        let ttlField = Int64(timeToLive.rounded(.down))
        if stored.noCache { return .revalidate(.noCache) }
        if control.noCache { return .revalidate(.requestNoCache) }
        if let maxAge = control.maxAge, age > Double(maxAge) { return .revalidate(.requestMaxAge) }
        if let minFresh = control.minFresh, timeToLive < Double(minFresh) { return .revalidate(.requestMinFresh) }
        if timeToLive > 0 { return .serve(age: ageField, timeToLive: ttlField) }
        let staleness = -timeToLive
        if stored.mustRevalidate { return .revalidate(.mustRevalidate) }
        if let maxStale = control.maxStale, staleness <= Double(maxStale) {
            return .serve(age: ageField, timeToLive: ttlField)
        }
        if let window = stored.staleWhileRevalidate, staleness <= Double(window) {
            return .serveWhileRevalidating(age: ageField, timeToLive: ttlField)
        }
        return .revalidate(.stale)
    }
}
