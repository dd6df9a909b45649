extension CacheTestsCase {
    private static let fresh = ["Expires: @100000", "Cache-Control: max-age=100000", "Last-Modified: @0", "Date: @0"]
    private static let stale = ["Expires: @-5000", "Last-Modified: @-100000", "Date: @0"]

    /// Cases of `status`: every final status is stored with explicit freshness and validated once stale.
    public static let statusCodes: [Self] = [
        200, 203, 204, 299, 301, 302, 303, 307, 308, 400, 404, 410, 499, 500, 502, 503, 504, 599,
    ]
    .flatMap { code in
        [
            Self(id: "status-\(code)-fresh", status: code, response: fresh, expected: .cached),
            Self(id: "status-\(code)-stale", status: code, response: stale, expected: .lmValidated),
        ]
    }

    /// Cases of `cc-response`.
    public static let responseDirectives: [Self] = [
        Self(id: "cc-resp-private-shared", response: ["Cache-Control: private, max-age=3600"], expected: .notCached),
        Self(id: "cc-resp-no-store", response: ["Cache-Control: no-store"], expected: .notCached),
        Self(id: "cc-resp-no-store-case-insensitive", response: ["Cache-Control: No-StOrE"], expected: .notCached),
        Self(
            id: "cc-resp-no-store-fresh",
            response: ["Cache-Control: max-age=10000, no-store", "Expires: @10000", "Date: @0"],
            expected: .notCached
        ),
        Self(
            id: "cc-resp-no-cache",
            response: ["Cache-Control: max-age=10000, no-cache", "Expires: @10000", "Date: @0"],
            expected: .notCached
        ),
        Self(
            id: "cc-resp-no-cache-case-insensitive",
            response: ["Cache-Control: max-age=10000, No-CaChE", "Expires: @10000", "Date: @0"],
            expected: .notCached
        ),
        Self(
            id: "cc-resp-no-cache-revalidate",
            response: ["Cache-Control: no-cache", "ETag: \"abcd\""],
            expected: .etagValidated
        ),
        Self(
            id: "cc-resp-no-cache-revalidate-fresh",
            response: ["Cache-Control: max-age=10000, no-cache", "Expires: @10000", "Date: @0", "ETag: \"abcd\""],
            expected: .etagValidated
        ),
        Self(
            id: "cc-resp-must-revalidate-fresh",
            response: ["Cache-Control: max-age=10000, must-revalidate", "ETag: \"abcd\""],
            expected: .cached
        ),
        Self(
            id: "cc-resp-must-revalidate-stale",
            response: ["Cache-Control: max-age=2, must-revalidate", "ETag: \"abcd\""],
            pause: 3,
            expected: .etagValidated
        ),
    ]

    /// Cases of `cc-request` (request directives are honoured; `no-store` only prevents storing).
    public static let requestDirectives: [Self] = [
        Self(id: "ccreq-ma0", response: fresh, request: ["Cache-Control: max-age=0"], pause: 3, expected: .lmValidated),
        Self(id: "ccreq-ma1", response: fresh, request: ["Cache-Control: max-age=1"], pause: 3, expected: .lmValidated),
        Self(
            id: "ccreq-magreaterage",
            response: ["Cache-Control: max-age=3600", "Age: 1800"],
            request: ["Cache-Control: max-age=600"],
            expected: .notCached
        ),
        Self(
            id: "ccreq-max-stale",
            response: ["Cache-Control: max-age=1"],
            request: ["Cache-Control: max-stale=1000"],
            pause: 3,
            expected: .cached
        ),
        Self(
            id: "ccreq-max-stale-age",
            response: ["Cache-Control: max-age=1500", "Age: 2000"],
            request: ["Cache-Control: max-stale=1000"],
            expected: .cached
        ),
        Self(
            id: "ccreq-min-fresh",
            response: ["Cache-Control: max-age=1500"],
            request: ["Cache-Control: min-fresh=2000"],
            expected: .notCached
        ),
        Self(
            id: "ccreq-min-fresh-age",
            response: ["Cache-Control: max-age=1500", "Age: 1000"],
            request: ["Cache-Control: min-fresh=1000"],
            expected: .notCached
        ),
        Self(
            id: "ccreq-no-cache",
            response: ["Cache-Control: max-age=3600"],
            request: ["Cache-Control: no-cache"],
            expected: .notCached
        ),
        Self(
            id: "ccreq-no-cache-lm",
            response: ["Cache-Control: max-age=3600", "Last-Modified: @-10000", "Date: @0"],
            request: ["Cache-Control: no-cache"],
            expected: .lmValidated
        ),
        Self(
            id: "ccreq-no-cache-etag",
            response: ["Cache-Control: max-age=3600", "ETag: \"abc\""],
            request: ["Cache-Control: no-cache"],
            expected: .etagValidated
        ),
        Self(
            id: "ccreq-no-store",
            response: ["Cache-Control: max-age=3600"],
            request: ["Cache-Control: no-store"],
            expected: .cached
        ),
        Self(id: "ccreq-oic", response: nil, request: ["Cache-Control: only-if-cached"], expected: .gatewayTimeout),
    ]

    /// Cases of `auth`.
    public static let authorization: [Self] = [
        ("other-authorization", ["Expires: @2592000", "Date: @0"], Outcome.notCached),
        ("other-authorization-public", ["Cache-Control: max-age=3600, public", "Date: @0"], .cached),
        ("other-authorization-must-revalidate", ["Cache-Control: max-age=3600, must-revalidate", "Date: @0"], .cached),
        ("other-authorization-smaxage", ["Cache-Control: s-maxage=3600", "Date: @0"], .cached),
    ]
    .map { id, response, expected in
        Self(id: id, setupRequest: ["Authorization: FOO"], response: response, pause: 3, expected: expected)
    }

    private static func staleOnError(_ id: String, _ control: String, _ expected: Outcome) -> Self {
        Self(id: id, response: ["Cache-Control: \(control)"], pause: 3, originFails: true, expected: expected)
    }

    /// Cases of `stale`: stale responses replace origin failures only with `stale-if-error`. The `stale-close-*`
    /// cases add `stale-if-error=60` to the original fields, so that the prohibition is what decides.
    public static let staleServing: [Self] = [
        staleOnError("stale-close", "max-age=2", .notCached),
        staleOnError("stale-503", "max-age=2", .notCached),
        staleOnError("stale-sie-close", "max-age=2, stale-if-error=60", .cached),
        staleOnError("stale-sie-503", "max-age=2, stale-if-error=60", .cached),
        staleOnError("stale-close-must-revalidate", "max-age=2, must-revalidate, stale-if-error=60", .notCached),
        staleOnError("stale-close-proxy-revalidate", "max-age=2, proxy-revalidate, stale-if-error=60", .notCached),
        staleOnError("stale-close-no-cache", "max-age=2, no-cache, stale-if-error=60", .notCached),
        staleOnError("stale-close-s-maxage=2", "max-age=2, s-maxage=2, stale-if-error=60", .notCached),
    ]
}
