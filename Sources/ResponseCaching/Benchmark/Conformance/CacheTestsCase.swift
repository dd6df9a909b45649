/// One case adapted from the http-tests "cache-tests" suite, expressed as a stored exchange followed by a second
/// request, and the outcome a shared cache gives (RFC 9111). The tests replay them against `HTTPCachePolicy`;
/// `mastery bench cache --conformance` replays them over HTTP against the middleware and nginx `proxy_cache`.
public struct CacheTestsCase: Sendable, CustomStringConvertible {
    /// What the second request sees.
    public enum Outcome: Sendable, Equatable, CustomStringConvertible {
        /// Served from the cache without contacting the origin.
        case cached
        /// Forwarded unconditionally (nothing stored, or nothing to validate with).
        case notCached
        /// Validated with `If-None-Match`.
        case etagValidated
        /// Validated with `If-Modified-Since`.
        case lmValidated
        /// Answered 504 (`only-if-cached`).
        case gatewayTimeout

        public var description: String {
            switch self {
            case .cached: "cached"
            case .notCached: "not cached"
            case .etagValidated: "validated (If-None-Match)"
            case .lmValidated: "validated (If-Modified-Since)"
            case .gatewayTimeout: "504 (only-if-cached)"
            }
        }
    }

    /// The cache-tests id this case corresponds to.
    public var id: String
    public var status: Int = 200
    /// The first request's fields.
    public var setupRequest: [String] = []
    /// The first response's fields; `nil` when nothing was stored before.
    public var response: [String]?
    /// The second request's fields.
    public var request: [String] = []
    /// Seconds between the first response and the second request (`pause_after` is 3 s).
    public var pause: Double = 0
    /// Whether the origin fails (connection closed or 503) when the second request reaches it.
    public var originFails = false
    /// The outcome for a shared cache.
    public var expected: Outcome

    /// A case; fields are `Name: value` lines, a value `@N` being the HTTP-date `N` seconds after the response.
    public init(
        id: String,
        status: Int = 200,
        setupRequest: [String] = [],
        response: [String]? = nil,
        request: [String] = [],
        pause: Double = 0,
        originFails: Bool = false,
        expected: Outcome
    ) {
        self.id = id
        self.status = status
        self.setupRequest = setupRequest
        self.response = response
        self.request = request
        self.pause = pause
        self.originFails = originFails
        self.expected = expected
    }

    /// The case's cache-tests id.
    public var description: String { id }

    /// Every case, in the suite's order of groups.
    public static var all: [Self] {
        cacheControlFreshness + ageParsing + expiresParsing + heuristicFreshness + statusCodes + responseDirectives
            + requestDirectives + authorization + staleServing + varyCases
    }
}
