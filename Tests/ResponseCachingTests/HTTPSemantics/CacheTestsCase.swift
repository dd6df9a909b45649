import HTTPTypes
import ResponseCaching
import ResponseCachingBenchmark
import Testing

extension CacheTestsCase {
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
