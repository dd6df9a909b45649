/// What a shared cache keeps beside a stored response body to decide on reuse (RFC 9111 §4).
///
/// Times are seconds since the Unix epoch; durations are whole seconds. Create it with
/// ``HTTPCachePolicy/metadata(request:response:requestTime:responseTime:)``.
public struct HTTPCacheMetadata: Codable, Hashable, Sendable {
    /// When the request that produced the response was sent (`request_time`).
    public var requestTime: Double
    /// When the response was received (`response_time`).
    public var responseTime: Double
    /// The response's `Date` (`date_value`); the response time when absent or invalid.
    public var date: Int64
    /// The response's `Age` (`age_value`); 0 when absent or invalid.
    public var ageValue: Int64
    /// The freshness lifetime in seconds.
    public var freshnessLifetime: Int64
    /// Whether the lifetime is heuristic (from `Last-Modified`).
    public var isHeuristic: Bool
    /// The response's `stale-while-revalidate` window.
    public var staleWhileRevalidate: Int64?
    /// The response's `stale-if-error` window.
    public var staleIfError: Int64?
    /// Whether the response must not be served stale: `must-revalidate`, `proxy-revalidate` or `s-maxage`.
    public var mustRevalidate: Bool
    /// Whether every reuse needs validation (`no-cache`).
    public var noCache: Bool
    /// The response's `ETag` field value.
    public var entityTag: String?
    /// The response's `Last-Modified` field value.
    public var lastModified: String?
    /// The response status code.
    public var status: Int
    /// The lowercased field names listed in the response's `Vary`, in order.
    public var varyFieldNames: [String]
    /// The normalised request values of ``varyFieldNames`` (`nil` for an absent field).
    public var varyValues: [String?]

    /// Creates metadata from its parts; prefer ``HTTPCachePolicy/metadata(request:response:requestTime:responseTime:)``.
    public init(
        requestTime: Double,
        responseTime: Double,
        date: Int64,
        ageValue: Int64,
        freshnessLifetime: Int64,
        isHeuristic: Bool = false,
        staleWhileRevalidate: Int64? = nil,
        staleIfError: Int64? = nil,
        mustRevalidate: Bool = false,
        noCache: Bool = false,
        entityTag: String? = nil,
        lastModified: String? = nil,
        status: Int = 200,
        varyFieldNames: [String] = [],
        varyValues: [String?] = []
    ) {
        self.requestTime = requestTime
        self.responseTime = responseTime
        self.date = date
        self.ageValue = ageValue
        self.freshnessLifetime = freshnessLifetime
        self.isHeuristic = isHeuristic
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
        self.mustRevalidate = mustRevalidate
        self.noCache = noCache
        self.entityTag = entityTag
        self.lastModified = lastModified
        self.status = status
        self.varyFieldNames = varyFieldNames
        self.varyValues = varyValues
    }

    /// The age of the stored response at `now` (RFC 9111 §4.2.3): the corrected initial age plus resident time.
    /// - Parameter now: the current time.
    public func currentAge(now: Double) -> Double {
        let apparentAge = max(0, self.responseTime - Double(self.date))
        let responseDelay = max(0, self.responseTime - self.requestTime)
        let correctedAgeValue = Double(self.ageValue) + responseDelay
        let correctedInitialAge = max(apparentAge, correctedAgeValue)
        let residentTime = max(0, now - self.responseTime)
        return correctedInitialAge + residentTime
    }

    /// The seconds the response stays fresh at `now`; negative once stale (the `Cache-Status` `ttl`).
    /// - Parameter now: the current time.
    public func timeToLive(now: Double) -> Double {
        Double(self.freshnessLifetime) - self.currentAge(now: now)
    }

    /// Whether the response is fresh at `now` (lifetime greater than current age).
    /// - Parameter now: the current time.
    public func isFresh(now: Double) -> Bool {
        self.timeToLive(now: now) > 0
    }

    /// The `Age` field value to send with the stored response at `now`: whole seconds, clamped to 2³¹.
    /// - Parameter now: the current time.
    public func ageFieldValue(now: Double) -> String {
        String(Self.wholeSeconds(self.currentAge(now: now)))
    }

    /// Rounds seconds down to a non-negative integer no greater than 2³¹.
    static func wholeSeconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64(min(seconds, Double(HTTPCacheControl.deltaSecondsLimit)).rounded(.down))
    }
}
