import ResponseCachingBenchmark
import Testing

/// The http-tests cache-tests cases, replayed against ``HTTPCachePolicy`` as a shared cache.
@Suite struct CacheTestsSuiteTests {
    @Test("cc-freshness and cc-parse", arguments: CacheTestsCase.cacheControlFreshness)
    func cacheControlFreshness(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("age-parse", arguments: CacheTestsCase.ageParsing)
    func ageParsing(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("expires-parse", arguments: CacheTestsCase.expiresParsing)
    func expiresParsing(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("heuristic-freshness", arguments: CacheTestsCase.heuristicFreshness)
    func heuristicFreshness(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("status", arguments: CacheTestsCase.statusCodes)
    func statusCodes(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("cc-response", arguments: CacheTestsCase.responseDirectives)
    func responseDirectives(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("cc-request", arguments: CacheTestsCase.requestDirectives)
    func requestDirectives(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("auth", arguments: CacheTestsCase.authorization)
    func authorization(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("stale", arguments: CacheTestsCase.staleServing)
    func staleServing(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }

    @Test("vary", arguments: CacheTestsCase.varyCases)
    func vary(_ testCase: CacheTestsCase) {
        #expect(testCase.run() == testCase.expected)
    }
}

extension CacheTestsSuiteTests {
    @Test("conditional-inm", arguments: CacheTestsConditionalCase.cases)
    func conditional(_ testCase: CacheTestsConditionalCase) throws {
        let result = try testCase.run()
        #expect(result.notModified == testCase.notModified)
        #expect(result.entityTag != nil)
    }

    @Test("update304", arguments: CacheTestsUpdateCase.cases)
    func update304(_ testCase: CacheTestsUpdateCase) {
        let result = testCase.run()
        #expect(result.value == testCase.expected)
        #expect(result.servedFresh == (testCase.expected != nil))
    }
}
