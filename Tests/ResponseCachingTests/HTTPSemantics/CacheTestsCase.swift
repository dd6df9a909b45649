import HTTPTypes
import ResponseCaching
import Testing

/// One case adapted from the http-tests "cache-tests" suite, expressed as a stored exchange followed by a second
/// request, and the outcome a shared cache following ``HTTPCachePolicy`` gives.
struct CacheTestsCase: Sendable, CustomTestStringConvertible {
    /// What the second request sees.
    enum Outcome: Sendable, Equatable {
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
    }

    /// The cache-tests id this case corresponds to.
    var id: String
    var status: Int = 200
    /// The first request's fields.
    var setupRequest: [String] = []
    /// The first response's fields; `nil` when nothing was stored before.
    var response: [String]?
    /// The second request's fields.
    var request: [String] = []
    /// Seconds between the first response and the second request (`pause_after` is 3 s).
    var pause: Double = 0
    /// Whether the origin fails (connection closed or 503) when the second request reaches it.
    var originFails = false
    /// The outcome for a shared cache.
    var expected: Outcome

    var testDescription: String { self.id }

    /// Replays the case with the policy at ``TestMessages/epoch`` and returns the outcome.
    func run(policy: HTTPCachePolicy = HTTPCachePolicy()) -> Outcome {
        var stored: HTTPCacheMetadata? = nil
        if let response {
            stored = TestMessages.store(
                TestMessages.response(self.status, response),
                for: TestMessages.request(self.setupRequest),
                policy: policy
            )
        }
        let second = TestMessages.request(self.request)
        if let candidate = stored, !candidate.matchesVary(second.headerFields) { stored = nil }
        let now = Double(TestMessages.epoch) + self.pause
        switch policy.decision(for: second, stored: stored, now: now) {
        case .serve, .serveWhileRevalidating:
            return .cached
        case .forward:
            return .notCached
        case .gatewayTimeout:
            return .gatewayTimeout
        case .revalidate:
            guard let stored else { return .notCached }
            if self.originFails {
                return policy.canServeStale(onErrorFor: second, stored: stored, now: now) ? .cached : .notCached
            }
            if stored.entityTag != nil { return .etagValidated }
            return stored.lastModified != nil ? .lmValidated : .notCached
        }
    }
}
