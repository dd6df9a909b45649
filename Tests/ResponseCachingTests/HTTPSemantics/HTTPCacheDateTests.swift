import ResponseCaching
import Testing

@Suite struct HTTPCacheDateTests {
    /// 1994-11-06 08:49:37 UTC, the example of RFC 9110 §5.6.7.
    private static let example: Int64 = 784_111_777

    @Test(
        "parses the three HTTP-date formats",
        arguments: [
            ("Sun, 06 Nov 1994 08:49:37 GMT", example),
            ("Sunday, 06-Nov-94 08:49:37 GMT", example),
            ("Sun Nov  6 08:49:37 1994", example),
            ("Sun Nov 16 08:49:37 1994", example + 10 * 86_400),
            ("sun, 06 nov 1994 08:49:37 gmt", example),
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
            ("Wed, 31 Dec 1969 23:59:59 GMT", -1),
            ("Tue, 29 Feb 2000 12:00:00 GMT", 951_825_600),
            ("Thu, 18 Aug 2050 02:01:18 GMT", 2_544_400_878),
            ("Fri, 31 Dec 9999 23:59:59 GMT", 253_402_300_799),
        ]
    )
    func parses(text: String, expected: Int64) {
        #expect(HTTPCacheDate.parse(text) == expected)
    }

    @Test(
        "rejects invalid dates",
        arguments: [
            "", "0", "-1", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06  Nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06-Nov-1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 1994 08.49.37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun Nov 6 08:49:37 1994",
        ]
    )
    func rejects(text: String) {
        #expect(HTTPCacheDate.parse(text) == nil)
    }

    @Test(
        "formats IMF-fixdate",
        arguments: [
            (example, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (951_825_600, "Tue, 29 Feb 2000 12:00:00 GMT"),
            (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
        ]
    )
    func formats(seconds: Int64, expected: String) {
        #expect(HTTPCacheDate.format(seconds) == expected)
    }

    @Test("round-trips every day of a leap cycle")
    func roundTrips() {
        for day in Int64(-800)...Int64(1500) {
            let seconds = day * 86_400 * 20 + 3_723
            #expect(HTTPCacheDate.parse(HTTPCacheDate.format(seconds)) == seconds)
        }
    }

    @Test(
        "places RFC 850 two-digit years relative to now",
        arguments: [
            ("Thursday, 18-Aug-50 02:01:18 GMT", Int64(1_700_000_000), Int64(2_544_400_878)),
            ("Thursday, 18-Aug-50 02:01:18 GMT", Int64(0), Int64(-611_359_122)),
        ]
    )
    func twoDigitYears(text: String, now: Int64, expected: Int64) {
        #expect(HTTPCacheDate.parse(text, now: now) == expected)
    }
}
