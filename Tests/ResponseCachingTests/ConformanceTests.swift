import ResponseCaching
import TestSupport
import Testing

@testable import ResponseCachingBenchmark

@Suite("The adapted cache-tests cases over real HTTP, against the middleware on a manual clock")
struct ConformanceTests {
    @Test("every case gives a shared cache's outcome: what reached the origin, and what the client got")
    func everyCase() async throws {
        let manual = ManualClock()
        var run = CacheConformanceRun()
        run.clock = ResponseCacheClockAdapter(manual)
        // The 3 s pauses pass on the manual clock, for the cache and the origin's dates alike.
        run.wait = { manual.advance(by: $0) }
        let (ours, nginx) = try await run.run(withNginx: false, logger: quietLogger)
        #expect(nginx == nil)
        #expect(run.cases.count >= 150)
        let failures = ours.failures(run.cases).map { "\($0.0.id): expected \($0.0.expected), got \($0.1)" }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("the outcome is read from the origin: a case the cache gets wrong is reported, not passed")
    func wrongOutcomeReported() async throws {
        // A case whose expectation is deliberately the opposite of what a shared cache does.
        var wrong = CacheTestsCase.cacheControlFreshness[1]
        wrong.expected = wrong.expected == .cached ? .notCached : .cached
        let manual = ManualClock()
        var run = CacheConformanceRun()
        run.cases = [wrong]
        run.clock = ResponseCacheClockAdapter(manual)
        run.wait = { manual.advance(by: $0) }
        let (ours, _) = try await run.run(withNginx: false, logger: quietLogger)
        #expect(ours.failures(run.cases).count == 1)
    }
}
