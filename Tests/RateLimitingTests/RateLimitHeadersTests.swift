import HTTPTypes
import RateLimiting
import Testing

@Suite("RateLimit-Policy, RateLimit and Retry-After: exact structured fields")
struct RateLimitHeadersTests {
    func policy(
        _ name: String,
        _ algorithm: RateLimitAlgorithm = .gcra,
        limit: Int,
        window: Duration,
        burst: Int? = nil
    ) throws -> RateLimitPolicy {
        try RateLimitPolicy(name: name, algorithm: algorithm, limit: limit, window: window, burst: burst)
    }

    func decision(
        _ policy: RateLimitPolicy,
        allowed: Bool = true,
        remaining: Int,
        reset: Duration,
        retry: Duration? = nil
    ) -> RateLimitDecision {
        RateLimitDecision(
            policy: policy,
            key: "k",
            allowed: allowed,
            limit: policy.capacity,
            remaining: remaining,
            resetAfter: reset,
            retryAfter: retry
        )
    }

    @Test("policies: a quoted name with q and w, several joined as a list")
    func policyField() throws {
        let perSecond = try policy("api-per-second", limit: 10, window: .seconds(1), burst: 20)
        let perDay = try policy("api.per:day_1", .fixedWindow, limit: 1000, window: .seconds(86_400))
        #expect(RateLimitHeaders.policyValue([perSecond]) == #""api-per-second";q=10;w=1"#)
        #expect(
            RateLimitHeaders.policyValue([perSecond, perDay])
                == #""api-per-second";q=10;w=1, "api.per:day_1";q=1000;w=86400"#
        )
    }

    @Test("windows of fractional seconds: the next whole second, the quota scaled down to it")
    func fractionalWindows() throws {
        #expect(
            RateLimitHeaders.policyValue([try policy("half", limit: 10, window: .milliseconds(500))])
                == #""half";q=20;w=1"#
        )
        #expect(
            RateLimitHeaders.policyValue([try policy("odd", limit: 3, window: .milliseconds(1500))])
                == #""odd";q=4;w=2"#
        )
        #expect(
            RateLimitHeaders.policyValue([try policy("tiny", .fixedWindow, limit: 7, window: .milliseconds(1))])
                == #""tiny";q=7000;w=1"#
        )
        // The largest policy stays exact (full-width arithmetic) and within a structured-field integer (15 digits).
        let huge = try policy("huge", .fixedWindow, limit: 1_000_000_000, window: .milliseconds(1))
        #expect(RateLimitHeaders.policyValue([huge]) == #""huge";q=1000000000000;w=1"#)
    }

    @Test(
        "numbers at every digit boundary are written exactly, negative remaining as 0",
        arguments: [
            0, 1, 9, 10, 11, 99, 100, 999, 1_000, 65_535, 999_999_999, 1_000_000_000, Int(Int64.max / 10),
            Int(Int64.max),
        ]
    )
    func digits(number: Int) throws {
        let a = try policy("a", limit: 5, window: .seconds(10))
        let value = RateLimitHeaders.limitValue([
            decision(a, remaining: number, reset: .seconds(Int64(number / 1_000_000_000_000)))
        ])
        #expect(value == "\"a\";r=\(number);t=\(number / 1_000_000_000_000)")
        #expect(RateLimitHeaders.limitValue([decision(a, remaining: -number - 1, reset: .zero)]) == #""a";r=0;t=0"#)
        // Several items, long names: the value is sized for them (no item is cut).
        let long = try policy(
            String(repeating: "n", count: RateLimitPolicy.maximumNameLength),
            limit: 5,
            window: .seconds(10)
        )
        let many = RateLimitHeaders.limitValue(
            Array(repeating: decision(long, remaining: number, reset: .zero), count: RateLimitCheck.maximumChecks)
        )
        #expect(many.split(separator: ",").count == RateLimitCheck.maximumChecks)
        #expect(many.hasSuffix(";r=\(number);t=0"))
    }

    @Test("remaining and reset: t rounded up to whole seconds")
    func limitField() throws {
        let a = try policy("a", limit: 5, window: .seconds(10))
        let b = try policy("b", limit: 100, window: .seconds(3600))
        let value = RateLimitHeaders.limitValue([
            decision(a, remaining: 4, reset: .seconds(2)),
            decision(b, remaining: 99, reset: .milliseconds(36_000_001)),
        ])
        #expect(value == #""a";r=4;t=2, "b";r=99;t=36001"#)
        #expect(RateLimitHeaders.limitValue([decision(a, remaining: 5, reset: .zero)]) == #""a";r=5;t=0"#)
        #expect(RateLimitHeaders.limitValue([decision(a, remaining: 0, reset: .microseconds(1))]) == #""a";r=0;t=1"#)
    }

    @Test("a rejection: Retry-After rounded up, at least 1, and no t beyond it")
    func rejection() throws {
        let a = try policy("a", limit: 5, window: .seconds(10))
        let b = try policy("b", limit: 100, window: .seconds(3600))
        let result = RateLimitResult(
            allowed: false,
            decisions: [
                decision(a, allowed: false, remaining: 0, reset: .seconds(10), retry: .milliseconds(1500)),
                decision(b, remaining: 90, reset: .seconds(360)),
            ]
        )
        let fields = RateLimitHeaders.fields(for: result)
        #expect(fields[RateLimitHeaders.policyField] == #""a";q=5;w=10, "b";q=100;w=3600"#)
        #expect(fields[RateLimitHeaders.limitField] == #""a";r=0;t=2, "b";r=90;t=2"#)
        #expect(fields[.retryAfter] == "2")
        #expect(RateLimitHeaders.retryAfterSeconds(.microseconds(1)) == 1)
        #expect(RateLimitHeaders.retryAfterSeconds(.zero) == 1)
        #expect(RateLimitHeaders.retryAfterSeconds(.seconds(3)) == 3)
    }

    @Test("admitted: no Retry-After; a cost beyond the capacity: no Retry-After either")
    func noRetryAfter() throws {
        let a = try policy("a", limit: 5, window: .seconds(10))
        let admitted = RateLimitHeaders.fields(
            for: RateLimitResult(allowed: true, decisions: [decision(a, remaining: 3, reset: .seconds(4))])
        )
        #expect(admitted[.retryAfter] == nil)
        #expect(admitted[RateLimitHeaders.limitField] == #""a";r=3;t=4"#)
        let never = RateLimitResult(
            allowed: false,
            decisions: [decision(a, allowed: false, remaining: 5, reset: .zero, retry: nil)]
        )
        let fields = RateLimitHeaders.fields(for: never)
        #expect(fields[.retryAfter] == nil)
        #expect(fields[RateLimitHeaders.limitField] == #""a";r=5;t=0"#)
        #expect(RateLimitHeaders.fields(for: RateLimitResult(allowed: true, decisions: [])).isEmpty)
    }

    @Test("keys never reach the fields, however hostile")
    func hostileKeys() throws {
        let a = try policy("a", limit: 5, window: .seconds(10))
        var hostile = decision(a, remaining: 1, reset: .seconds(1))
        hostile.key = "evil\r\nSet-Cookie: x=1\";r=999"
        let fields = RateLimitHeaders.fields(for: RateLimitResult(allowed: true, decisions: [hostile]))
        #expect(fields[RateLimitHeaders.limitField] == #""a";r=1;t=1"#)
        #expect(fields.allSatisfy { !$0.value.contains("evil") })
    }
}
