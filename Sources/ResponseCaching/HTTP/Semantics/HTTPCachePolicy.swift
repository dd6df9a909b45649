public import HTTPTypes

/// The HTTP caching rules of a shared cache (RFC 9111, RFC 5861), as pure functions of requests, responses and
/// explicit times in seconds since the Unix epoch.
///
/// Use it in three steps:
/// 1. ``refusal(request:response:)`` decides whether a response from the origin may be stored, and
///    ``metadata(request:response:requestTime:responseTime:)`` builds what to keep beside the body;
/// 2. ``decision(for:stored:now:)`` says what to do with a new request given a stored variant;
/// 3. ``canServeStale(onErrorFor:stored:now:)`` says whether a stale response may replace an origin failure;
/// 4. ``invalidatedKeys(request:response:)`` lists the entries an unsafe request invalidates.
///
/// The deprecated `Pragma: no-cache` and `Warning` fields are neither read nor generated (RFC 9111 §5.4, §5.5).
public struct HTTPCachePolicy: Sendable {
    /// Options of the policy.
    public struct Configuration: Sendable {
        /// The fraction of `Date − Last-Modified` used as heuristic lifetime (RFC 9111 §4.2.2).
        public var heuristicFraction: Double
        /// The cap on a heuristic lifetime, in seconds.
        public var maximumHeuristicLifetime: Int64
        /// Whether responses with `Set-Cookie` may be stored. Off by default, like nginx and Varnish: a cookie
        /// set for one client must not be replayed to others.
        public var storesResponsesWithSetCookie: Bool
        /// The status codes that may be stored with a heuristic lifetime (RFC 9110 §15.1).
        public var heuristicallyCacheableStatusCodes: Set<Int>
        /// The status codes whose semantics the cache understands, for `must-understand` (RFC 9111 §5.2.2.3).
        public var understoodStatusCodes: Set<Int>

        /// Creates the default configuration: 10 % heuristic capped at one day, no `Set-Cookie`.
        public init(
            heuristicFraction: Double = 0.1,
            maximumHeuristicLifetime: Int64 = 86_400,
            storesResponsesWithSetCookie: Bool = false,
            heuristicallyCacheableStatusCodes: Set<Int> = [200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501],
            understoodStatusCodes: Set<Int> = [
                200, 203, 204, 300, 301, 302, 303, 307, 308, 400, 403, 404, 405, 410, 414, 451, 500, 501, 502, 503,
                504,
            ]
        ) {
            self.heuristicFraction = heuristicFraction
            self.maximumHeuristicLifetime = maximumHeuristicLifetime
            self.storesResponsesWithSetCookie = storesResponsesWithSetCookie
            self.heuristicallyCacheableStatusCodes = heuristicallyCacheableStatusCodes
            self.understoodStatusCodes = understoodStatusCodes
        }
    }

    /// The options in use.
    public var configuration: Configuration

    /// Creates a policy.
    /// - Parameter configuration: the options.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Builds the metadata to store beside a response (call ``refusal(request:response:)`` first).
    /// - Parameters:
    ///   - request: the request forwarded to the origin (its `Vary` fields are recorded).
    ///   - response: the origin's response.
    ///   - requestTime: when the request was sent.
    ///   - responseTime: when the response was received.
    public func metadata(
        request: HTTPRequest,
        response: HTTPResponse,
        requestTime: Double,
        responseTime: Double
    ) -> HTTPCacheMetadata {
        let fields = response.headerFields
        let control = HTTPCacheControl(fields)
        let date = fields[values: .date].first.flatMap { HTTPCacheDate.parse($0) } ?? Int64(responseTime)
        let vary = HTTPCacheVary(fields)
        let lifetime = self.freshnessLifetime(response: response, date: date)
        return HTTPCacheMetadata(
            requestTime: requestTime,
            responseTime: responseTime,
            date: date,
            ageValue: Self.ageValue(fields),
            freshnessLifetime: lifetime.seconds,
            isHeuristic: lifetime.isHeuristic,
            staleWhileRevalidate: control.staleWhileRevalidate,
            staleIfError: control.staleIfError,
            mustRevalidate: control.mustRevalidate || control.proxyRevalidate || control.sharedMaxAge != nil,
            noCache: control.noCache,
            entityTag: fields[values: .eTag].first,
            lastModified: fields[values: .lastModified].first,
            status: response.status.code,
            varyFieldNames: vary.fieldNames,
            varyValues: vary.values(from: request.headerFields)
        )
    }

    /// The `Age` value of a response (RFC 9111 §5.1): the first list member if it is a non-negative integer, else 0.
    /// - Parameter fields: the response header fields.
    public static func ageValue(_ fields: HTTPFields) -> Int64 {
        guard let first = HTTPFieldListParser.members(fields[values: .age]).first else { return 0 }
        return HTTPCacheControl.deltaSeconds(first) ?? 0
    }

    /// Whether a response status is an origin failure that `stale-if-error` covers (500, 502, 503, 504).
    /// - Parameter status: the origin's response status.
    public static func isOriginError(_ status: HTTPResponse.Status) -> Bool {
        [500, 502, 503, 504].contains(status.code)
    }
}
