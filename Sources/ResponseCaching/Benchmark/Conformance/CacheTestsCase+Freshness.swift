extension CacheTestsCase {
    private static func maxAge(_ id: String, _ value: String, _ expected: Outcome) -> Self {
        Self(id: id, response: ["Cache-Control: \(value)"], pause: 3, expected: expected)
    }

    /// Cases of `cc-freshness` and `cc-parse`.
    public static let cacheControlFreshness: [Self] = [
        Self(id: "freshness-none", response: [], pause: 3, expected: .notCached),
        maxAge("freshness-max-age", "max-age=3600", .cached),
        maxAge("freshness-max-age-quoted", "max-age=\"3600\"", .cached),
        maxAge("freshness-max-age-single-quoted", "max-age='3600'", .notCached),
        maxAge("freshness-max-age-ignore-quoted", "extension=\"max-age=100\", max-age=1", .notCached),
        maxAge("freshness-max-age-ignore-quoted-rev", "max-age=1, extension=\"max-age=100\"", .notCached),
        maxAge("freshness-max-age-ignore-quoted-all", "extension=\"max-age=100\", max-age=\"1\"", .notCached),
        maxAge("freshness-max-age-ignore-quoted-all-rev", "max-age=\"1\", extension=\"max-age=100\"", .notCached),
        maxAge("freshness-max-age-space-before-equals", "max-age =100", .notCached),
        maxAge("freshness-max-age-space-after-equals", "max-age= 100", .notCached),
        maxAge("freshness-max-age-0", "max-age=0", .notCached),
        maxAge("freshness-max-age-a100", "max-age=a100", .notCached),
        maxAge("freshness-max-age-100a", "max-age=100a", .notCached),
        maxAge("freshness-max-age-negative", "max-age=-100", .notCached),
        maxAge("freshness-max-age-max", "max-age=2147483648", .cached),
        maxAge("freshness-max-age-max-plus", "max-age=99999999999", .cached),
        Self(
            id: "freshness-max-age-age",
            response: ["Date: @0", "Cache-Control: max-age=10", "Age: 15"],
            pause: 3,
            expected: .notCached
        ),
        Self(
            id: "freshness-max-age-expires",
            response: ["Cache-Control: max-age=3600", "Expires: @-10000", "Date: @0"],
            pause: 3,
            expected: .cached
        ),
        Self(
            id: "freshness-max-age-expires-invalid",
            response: ["Cache-Control: max-age=3600", "Expires: 0", "Date: @0"],
            pause: 3,
            expected: .cached
        ),
        Self(
            id: "freshness-max-age-0-expires",
            response: ["Expires: @10000", "Cache-Control: max-age=0", "Date: @0"],
            pause: 3,
            expected: .notCached
        ),
        maxAge("freshness-max-age-extension", "foobar, max-age=3600", .cached),
        maxAge("freshness-max-age-case-insenstive", "MaX-aGe=3600", .cached),
        maxAge("freshness-s-maxage-shared", "s-maxage=3600", .cached),
        maxAge("freshness-max-age-s-maxage-shared-longer", "max-age=3600, s-maxage=1", .notCached),
        maxAge("freshness-max-age-s-maxage-shared-longer-reversed", "s-maxage=1, max-age=3600", .notCached),
        Self(
            id: "freshness-max-age-s-maxage-shared-longer-multiple",
            response: ["Cache-Control: max-age=3600", "Cache-Control: s-maxage=1"],
            pause: 3,
            expected: .notCached
        ),
        maxAge("freshness-max-age-s-maxage-shared-shorter", "max-age=1, s-maxage=3600", .cached),
        // cc-parse: duplicates keep the first value (RFC 9111 §4.2.1).
        maxAge("freshness-max-age-two-fresh-stale-sameline", "max-age=1800, max-age=1", .cached),
        Self(
            id: "freshness-max-age-two-fresh-stale-sepline",
            response: ["Cache-Control: max-age=1800", "Cache-Control: max-age=1"],
            pause: 3,
            expected: .cached
        ),
        maxAge("freshness-max-age-two-stale-fresh-sameline", "max-age=1, max-age=1800", .notCached),
        Self(
            id: "freshness-max-age-two-stale-fresh-sepline",
            response: ["Cache-Control: max-age=1", "Cache-Control: max-age=1800"],
            pause: 3,
            expected: .notCached
        ),
        maxAge("freshness-max-age-leading-zero", "max-age=003600", .cached),
        maxAge("freshness-max-age-decimal-zero", "max-age=3600.0", .notCached),
        maxAge("freshness-max-age-decimal-five", "max-age=3600.5", .notCached),
    ]

    private static func age(_ id: String, _ ages: [String], _ expected: Outcome) -> Self {
        Self(
            id: id,
            response: ["Date: @0", "Cache-Control: max-age=3600"] + ages.map { "Age: \($0)" },
            pause: 3,
            expected: expected
        )
    }

    /// Cases of `age-parse`: the first list member counts, an invalid value is ignored (RFC 9111 §5.1).
    public static let ageParsing: [Self] = [
        age("age-parse-nonnumeric", ["abc"], .cached),
        age("age-parse-negative", ["-7200"], .cached),
        age("age-parse-float", ["7200.0"], .cached),
        age("age-parse-suffix", ["7200,0"], .notCached),
        age("age-parse-suffix-twoline", ["7200", "0"], .notCached),
        age("age-parse-prefix", ["0,7200"], .cached),
        age("age-parse-prefix-twoline", ["0", "7200"], .cached),
        age("age-parse-dup-0", ["0, 0"], .cached),
        age("age-parse-dup-0-twoline", ["0", "0"], .cached),
        age("age-parse-dup-old", ["7200, 7200"], .notCached),
        age("age-parse-dup-old-twoline", ["7200", "7200"], .notCached),
    ]

    private static func expires(_ id: String, _ value: String, _ expected: Outcome) -> Self {
        Self(id: id, response: ["Expires: \(value)", "Date: @0"], pause: 3, expected: expected)
    }

    /// Cases of `expires-parse`: names and `GMT` are case-insensitive, other deviations make `Expires` invalid.
    public static let expiresParsing: [Self] = [
        expires("freshness-expires-wrong-case-weekday", "THU, 18 Aug 2050 02:01:18 GMT", .cached),
        expires("freshness-expires-wrong-case-month", "Thu, 18 AUG 2050 02:01:18 GMT", .cached),
        expires("freshness-expires-wrong-case-tz", "Thu, 18 Aug 2050 02:01:18 gMT", .cached),
        expires("freshness-expires-invalid-utc", "Thu, 18 Aug 2050 02:01:18 UTC", .notCached),
        expires("freshness-expires-invalid-2-digit-year", "Thu, 18 Aug 50 02:01:18 GMT", .notCached),
        expires("freshness-expires-invalid-no-comma", "Thu 18 Aug 2050 02:01:18 GMT", .notCached),
        expires("freshness-expires-invalid-multiple-spaces", "Thu, 18  Aug  2050 02:01:18 GMT", .notCached),
        expires("freshness-expires-invalid-date-dashes", "Thu, 18-Aug-2050 02:01:18 GMT", .notCached),
        expires("freshness-expires-invalid-time-periods", "Thu, 18 Aug 2050 02.01.18 GMT", .notCached),
        expires("freshness-expires-invalid-1-digit-hour", "Thu, 18 Aug 2050 2:01:18 GMT", .notCached),
    ]

    private static func heuristic(_ status: Int, _ expected: Outcome, extra: [String] = []) -> Self {
        let suffix = expected == .cached ? "cached" : "not_cached"
        return Self(
            id: "heuristic-\(status)-\(suffix)",
            status: status,
            response: ["Last-Modified: @-86400", "Date: @0"] + extra,
            expected: expected
        )
    }

    /// Cases of `heuristic-freshness`: 10 % of `Date − Last-Modified`, for the heuristically cacheable codes.
    public static let heuristicFreshness: [Self] =
        [200, 203, 204, 404, 405, 410, 414, 501].map { heuristic($0, .cached) }
        + [201, 202, 403, 502, 503, 504, 599].map { heuristic($0, .notCached) }
        + [heuristic(599, .cached, extra: ["Cache-Control: public"])]
        + [(5, Outcome.lmValidated), (10, .lmValidated), (30, .lmValidated), (60, .cached), (300, .cached)]
        .map { delta, expected in
            Self(
                id: "heuristic-delta-\(delta)",
                response: ["Last-Modified: @-\(delta)", "Date: @0"],
                pause: 3,
                expected: expected
            )
        }
}
