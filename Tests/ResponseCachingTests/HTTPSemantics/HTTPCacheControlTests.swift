import HTTPTypes
import ResponseCaching
import Testing

@Suite struct HTTPCacheControlTests {
    private static func control(_ configure: (inout HTTPCacheControl) -> Void) -> HTTPCacheControl {
        var control = HTTPCacheControl()
        configure(&control)
        return control
    }

    static let cases: [([String], HTTPCacheControl)] = [
        ([], HTTPCacheControl()),
        (["max-age=60"], control { $0.maxAge = 60 }),
        (["MAX-AGE=60"], control { $0.maxAge = 60 }),
        (["max-age=\"60\""], control { $0.maxAge = 60 }),
        (["max-age=60, max-age=10"], control { $0.maxAge = 60 }),
        (["max-age=60", "max-age=10"], control { $0.maxAge = 60 }),
        (["max-age=abc"], control { $0.maxAge = 0 }),
        (["max-age=-1"], control { $0.maxAge = 0 }),
        (["max-age"], control { $0.maxAge = 0 }),
        (["max-age=99999999999999999999"], control { $0.maxAge = HTTPCacheControl.deltaSecondsLimit }),
        (
            ["s-maxage=5, public"],
            control {
                $0.sharedMaxAge = 5
                $0.isPublic = true
            }
        ),
        (["no-cache"], control { $0.noCache = true }),
        (["no-cache=\"Set-Cookie, X-A\""], control { $0.noCache = true }),
        (
            ["private=\"X-A\", no-store"],
            control {
                $0.isPrivate = true
                $0.noStore = true
            }
        ),
        (
            ["must-revalidate,proxy-revalidate"],
            control {
                $0.mustRevalidate = true
                $0.proxyRevalidate = true
            }
        ),
        (
            ["must-understand, no-store"],
            control {
                $0.mustUnderstand = true
                $0.noStore = true
            }
        ),
        (
            ["no-transform, immutable"],
            control {
                $0.noTransform = true
                $0.immutable = true
            }
        ),
        (
            ["max-age=1, stale-while-revalidate=30, stale-if-error=600"],
            control {
                $0.maxAge = 1
                $0.staleWhileRevalidate = 30
                $0.staleIfError = 600
            }
        ),
        (["stale-while-revalidate=x"], HTTPCacheControl()),
        (["max-stale"], control { $0.maxStale = Int64.max }),
        (["max-stale=30"], control { $0.maxStale = 30 }),
        (
            ["min-fresh=10, only-if-cached"],
            control {
                $0.minFresh = 10
                $0.onlyIfCached = true
            }
        ),
        (["ext=\"a, max-age=9, no-store\", max-age=3"], control { $0.maxAge = 3 }),
        (["ext=\"quoted \\\" quote, no-store\""], HTTPCacheControl()),
        ([" , ,max-age=3 ,"], control { $0.maxAge = 3 }),
        (["max-age =3"], HTTPCacheControl()),
        (["max-age= 3"], control { $0.maxAge = 0 }),
    ]

    @Test("parses directives across field lines", arguments: cases)
    func parses(lines: [String], expected: HTTPCacheControl) {
        #expect(HTTPCacheControl(lines: lines) == expected)
    }

    @Test("reads every Cache-Control line of HTTPFields")
    func readsFields() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .cacheControl, value: "public"))
        fields.append(HTTPField(name: .contentType, value: "text/plain"))
        fields.append(HTTPField(name: .cacheControl, value: "max-age=7"))
        #expect(
            HTTPCacheControl(fields)
                == Self.control {
                    $0.isPublic = true
                    $0.maxAge = 7
                }
        )
    }

    @Test(
        "parses delta-seconds",
        arguments: [("0", Int64(0)), ("007", 7), ("2147483648", 2_147_483_648), ("2147483649", 2_147_483_648)]
    )
    func deltaSeconds(text: String, expected: Int64) {
        #expect(HTTPCacheControl.deltaSeconds(text) == expected)
    }

    @Test("rejects invalid delta-seconds", arguments: ["", "-1", "1.5", " 1", "1a", "+1"])
    func invalidDeltaSeconds(text: String) {
        #expect(HTTPCacheControl.deltaSeconds(text) == nil)
    }
}
