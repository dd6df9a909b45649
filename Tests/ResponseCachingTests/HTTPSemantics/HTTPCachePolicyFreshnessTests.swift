import HTTPTypes
import ResponseCaching
import Testing

@Suite struct HTTPCachePolicyFreshnessTests {
    @Test(
        "computes the freshness lifetime (s-maxage > max-age > Expires > heuristic)",
        arguments: [
            (200, ["Cache-Control: max-age=60, s-maxage=5", "Expires: @1000"], Int64(5), false),
            (200, ["Cache-Control: max-age=60", "Expires: @1000"], 60, false),
            (200, ["Expires: @1000", "Date: @0"], 1000, false),
            (200, ["Expires: @1000", "Date: @100"], 900, false),
            (200, ["Expires: @-10", "Date: @0"], 0, false),
            (200, ["Expires: soon", "Date: @0"], 0, false),
            (200, ["Expires: 0", "Last-Modified: @-100000"], 0, false),
            (200, ["Last-Modified: @-1000", "Date: @0"], 100, true),
            (200, ["Last-Modified: @-9999", "Date: @0"], 999, true),
            (200, ["Last-Modified: @-100000000", "Date: @0"], 86_400, true),
            (200, ["Last-Modified: @100", "Date: @0"], 0, true),
            (200, ["ETag: \"a\""], 0, true),
            (299, ["Last-Modified: @-1000", "Date: @0"], 0, true),
            (299, ["Last-Modified: @-1000", "Date: @0", "Cache-Control: public"], 100, true),
        ]
    )
    func lifetime(status: Int, lines: [String], seconds: Int64, heuristic: Bool) {
        let response = TestMessages.response(status, lines)
        let date = response.headerFields[.date].flatMap { HTTPCacheDate.parse($0) } ?? TestMessages.epoch
        let lifetime = HTTPCachePolicy().freshnessLifetime(response: response, date: date)
        #expect(lifetime.seconds == seconds)
        #expect(lifetime.isHeuristic == heuristic)
    }

    /// RFC 9111 §4.2.3 with request at `t0 + requested`, response at `t0 + received`, now at `t0 + now`.
    @Test(
        "computes the current age",
        arguments: [
            (["Date: @0"], 0.0, 0.0, 0.0, 0.0),
            (["Date: @0"], 0.0, 0.0, 10.0, 10.0),
            (["Date: @0", "Age: 30"], 0.0, 0.0, 10.0, 40.0),
            (["Date: @0", "Age: 30"], 0.0, 2.0, 10.0, 40.0),
            (["Date: @-50"], 0.0, 0.0, 10.0, 60.0),
            (["Date: @-50", "Age: 20"], 0.0, 0.0, 0.0, 50.0),
            (["Date: @60"], 0.0, 0.0, 5.0, 5.0),
            ([], 0.0, 1.5, 1.5, 1.5),
            (["Date: @0", "Age: x"], 0.0, 0.0, 3.0, 3.0),
        ]
    )
    func age(lines: [String], requested: Double, received: Double, now: Double, expected: Double) {
        let t0 = Double(TestMessages.epoch)
        let metadata = HTTPCachePolicy().metadata(
            request: TestMessages.request(),
            response: TestMessages.response(200, lines + ["Cache-Control: max-age=100"]),
            requestTime: t0 + requested,
            responseTime: t0 + received
        )
        #expect(metadata.currentAge(now: t0 + now) == expected)
        #expect(metadata.timeToLive(now: t0 + now) == 100 - expected)
        #expect(metadata.ageFieldValue(now: t0 + now) == String(Int64(expected)))
    }

    @Test("clamps the Age field value", arguments: [(-5.0, "0"), (0.9, "0"), (59.99, "59"), (1e12, "2147483648")])
    func ageField(age: Double, expected: String) {
        let metadata = HTTPCacheMetadata(requestTime: 0, responseTime: 0, date: 0, ageValue: 0, freshnessLifetime: 0)
        #expect(metadata.ageFieldValue(now: age) == expected)
    }

    @Test("records the stored response's metadata")
    func metadata() throws {
        let request = TestMessages.request(["Accept-Encoding: br"])
        let response = TestMessages.response(
            200,
            [
                "Date: @-5", "Age: 2", "Cache-Control: max-age=60, stale-while-revalidate=30, stale-if-error=300",
                "ETag: W/\"v1\"", "Last-Modified: @-1000", "Vary: Accept-Encoding, Origin",
            ]
        )
        let metadata = HTTPCachePolicy().metadata(
            request: request,
            response: response,
            requestTime: 1,
            responseTime: 2
        )
        let expected = HTTPCacheMetadata(
            requestTime: 1,
            responseTime: 2,
            date: TestMessages.epoch - 5,
            ageValue: 2,
            freshnessLifetime: 60,
            staleWhileRevalidate: 30,
            staleIfError: 300,
            entityTag: "W/\"v1\"",
            lastModified: HTTPCacheDate.format(TestMessages.epoch - 1000),
            varyFieldNames: ["accept-encoding", "origin"],
            varyValues: ["br", nil]
        )
        #expect(metadata == expected)
        #expect(metadata.secondaryKey == "accept-encoding: br\norigin")
    }
}
