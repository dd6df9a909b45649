import HTTPTypes
import ResponseCaching
import Testing

@Suite struct HTTPCachePolicyReuseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var response: [String]
        var request: [String] = []
        /// Seconds after the response was received.
        var elapsed: Double
        var decision: HTTPCacheDecision
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(
            name: "fresh",
            response: ["Cache-Control: max-age=60"],
            elapsed: 10,
            decision: .serve(age: 10, timeToLive: 50)
        ),
        Case(
            name: "stale at the lifetime",
            response: ["Cache-Control: max-age=60"],
            elapsed: 60,
            decision: .revalidate(.stale)
        ),
        Case(
            name: "fresh with Age",
            response: ["Cache-Control: max-age=60", "Age: 20"],
            elapsed: 10.5,
            decision: .serve(age: 30, timeToLive: 29)
        ),
        Case(
            name: "no-cache",
            response: ["Cache-Control: max-age=60, no-cache"],
            elapsed: 0,
            decision: .revalidate(.noCache)
        ),
        Case(
            name: "request no-cache",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: no-cache"],
            elapsed: 0,
            decision: .revalidate(.requestNoCache)
        ),
        Case(
            name: "request max-age=0 at age 0",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: max-age=0"],
            elapsed: 0,
            decision: .serve(age: 0, timeToLive: 60)
        ),
        Case(
            name: "request max-age=0",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: max-age=0"],
            elapsed: 1,
            decision: .revalidate(.requestMaxAge)
        ),
        Case(
            name: "request max-age satisfied",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: max-age=30"],
            elapsed: 30,
            decision: .serve(age: 30, timeToLive: 30)
        ),
        Case(
            name: "request min-fresh",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: min-fresh=30"],
            elapsed: 31,
            decision: .revalidate(.requestMinFresh)
        ),
        Case(
            name: "request min-fresh satisfied",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: min-fresh=30"],
            elapsed: 30,
            decision: .serve(age: 30, timeToLive: 30)
        ),
        Case(
            name: "request max-stale with value",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: max-stale=10"],
            elapsed: 70,
            decision: .serve(age: 70, timeToLive: -10)
        ),
        Case(
            name: "request max-stale exceeded",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: max-stale=10"],
            elapsed: 71,
            decision: .revalidate(.stale)
        ),
        Case(
            name: "request max-stale without value",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: max-stale"],
            elapsed: 1e9,
            decision: .serve(age: 1_000_000_000, timeToLive: -999_999_940)
        ),
        Case(
            name: "max-stale does not override must-revalidate",
            response: ["Cache-Control: max-age=60, must-revalidate"],
            request: ["Cache-Control: max-stale"],
            elapsed: 61,
            decision: .revalidate(.mustRevalidate)
        ),
        Case(
            name: "s-maxage implies proxy-revalidate",
            response: ["Cache-Control: s-maxage=60, stale-while-revalidate=100"],
            elapsed: 61,
            decision: .revalidate(.mustRevalidate)
        ),
        Case(
            name: "stale-while-revalidate window",
            response: ["Cache-Control: max-age=60, stale-while-revalidate=30"],
            elapsed: 90,
            decision: .serveWhileRevalidating(age: 90, timeToLive: -30)
        ),
        Case(
            name: "after stale-while-revalidate",
            response: ["Cache-Control: max-age=60, stale-while-revalidate=30"],
            elapsed: 91,
            decision: .revalidate(.stale)
        ),
        Case(
            name: "only-if-cached fresh",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: only-if-cached"],
            elapsed: 1,
            decision: .serve(age: 1, timeToLive: 59)
        ),
        Case(
            name: "only-if-cached stale",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: only-if-cached"],
            elapsed: 61,
            decision: .gatewayTimeout
        ),
        Case(
            name: "request no-store still serves",
            response: ["Cache-Control: max-age=60"],
            request: ["Cache-Control: no-store"],
            elapsed: 1,
            decision: .serve(age: 1, timeToLive: 59)
        ),
    ]

    @Test("decides how to answer a request from a stored response", arguments: cases)
    func decision(_ testCase: Case) throws {
        let stored = try #require(TestMessages.store(TestMessages.response(200, testCase.response)))
        let request = TestMessages.request(testCase.request)
        let now = Double(TestMessages.epoch) + testCase.elapsed
        #expect(HTTPCachePolicy().decision(for: request, stored: stored, now: now) == testCase.decision)
    }

    @Test("forwards, or answers 504 for only-if-cached, when nothing is stored")
    func nothingStored() {
        let policy = HTTPCachePolicy()
        #expect(policy.decision(for: TestMessages.request(), stored: nil, now: 0) == .forward)
        let onlyIfCached = TestMessages.request(["Cache-Control: only-if-cached"])
        #expect(policy.decision(for: onlyIfCached, stored: nil, now: 0) == .gatewayTimeout)
    }

    @Test(
        "allows stale-if-error within the larger window",
        arguments: [
            ("max-age=60, stale-if-error=30", "", 90.0, true),
            ("max-age=60, stale-if-error=30", "", 91.0, false),
            ("max-age=60", "stale-if-error=100", 160.0, true),
            ("max-age=60, stale-if-error=10", "stale-if-error=100", 100.0, true),
            ("max-age=60, stale-if-error=100", "stale-if-error=10", 100.0, true),
            ("max-age=60", "", 61.0, false),
            ("max-age=60, must-revalidate, stale-if-error=100", "", 61.0, false),
            ("max-age=60, no-cache, stale-if-error=100", "", 61.0, false),
            ("max-age=60, stale-if-error=0", "", 60.0, true),
        ]
    )
    func staleIfError(response: String, request: String, elapsed: Double, allowed: Bool) throws {
        let stored = try #require(TestMessages.store(TestMessages.response(200, ["Cache-Control: \(response)"])))
        let request = TestMessages.request(request.isEmpty ? [] : ["Cache-Control: \(request)"])
        let now = Double(TestMessages.epoch) + elapsed
        #expect(HTTPCachePolicy().canServeStale(onErrorFor: request, stored: stored, now: now) == allowed)
    }

    @Test(
        "classifies origin errors",
        arguments: [(500, true), (502, true), (503, true), (504, true), (501, false), (404, false)]
    )
    func originErrors(code: Int, isError: Bool) {
        #expect(HTTPCachePolicy.isOriginError(HTTPResponse.Status(code: code)) == isError)
    }

    @Test(
        "maps revalidation reasons to Cache-Status fwd",
        arguments: [
            (HTTPCacheDecision.Reason.stale, "stale"), (.mustRevalidate, "stale"), (.noCache, "stale"),
            (.requestNoCache, "request"), (.requestMaxAge, "request"), (.requestMinFresh, "request"),
        ]
    )
    func forwardReasons(reason: HTTPCacheDecision.Reason, forward: String) {
        #expect(reason.forward.description == forward)
    }
}
