import HTTPTypes
import ResponseCaching
import Testing

@Suite struct HTTPCachePolicyStorabilityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequest.Method = .get
        var request: [String] = []
        var status: Int = 200
        var response: [String]
        var refusal: HTTPCacheRefusal?
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "max-age", response: ["Cache-Control: max-age=60"], refusal: nil),
        Case(name: "HEAD", method: .head, response: ["Cache-Control: max-age=60"], refusal: nil),
        Case(name: "POST", method: .post, response: ["Cache-Control: max-age=60"], refusal: .method),
        Case(name: "s-maxage", response: ["Cache-Control: s-maxage=60"], refusal: nil),
        Case(name: "Expires", response: ["Expires: @60"], refusal: nil),
        Case(name: "invalid Expires is explicit (stale)", response: ["Expires: 0"], refusal: nil),
        Case(name: "public alone", response: ["Cache-Control: public"], refusal: nil),
        Case(name: "nothing", response: [], refusal: .noFreshness),
        Case(name: "heuristic 200 with Last-Modified", response: ["Last-Modified: @-100"], refusal: nil),
        Case(name: "heuristic 200 with ETag", response: ["ETag: \"a\""], refusal: nil),
        Case(name: "201 with Last-Modified", status: 201, response: ["Last-Modified: @-100"], refusal: .noFreshness),
        Case(name: "201 with max-age", status: 201, response: ["Cache-Control: max-age=9"], refusal: nil),
        Case(name: "1xx", status: 103, response: ["Cache-Control: max-age=9"], refusal: .status),
        Case(name: "206", status: 206, response: ["Cache-Control: max-age=9"], refusal: .status),
        Case(name: "304", status: 304, response: ["Cache-Control: max-age=9"], refusal: .status),
        Case(name: "no-store", response: ["Cache-Control: max-age=9, no-store"], refusal: .noStore),
        Case(
            name: "must-understand overrides no-store",
            response: ["Cache-Control: max-age=9, no-store, must-understand"],
            refusal: nil
        ),
        Case(
            name: "must-understand with unknown status",
            status: 299,
            response: ["Cache-Control: max-age=9, no-store, must-understand"],
            refusal: .status
        ),
        Case(
            name: "request no-store",
            request: ["Cache-Control: no-store"],
            response: ["Cache-Control: max-age=9"],
            refusal: .requestNoStore
        ),
        Case(name: "private", response: ["Cache-Control: max-age=9, private"], refusal: .private),
        Case(name: "private with fields", response: ["Cache-Control: private=\"X\", max-age=9"], refusal: .private),
        Case(
            name: "Authorization",
            request: ["Authorization: a"],
            response: ["Cache-Control: max-age=9"],
            refusal: .authorization
        ),
        Case(
            name: "Authorization + public",
            request: ["Authorization: a"],
            response: ["Cache-Control: public, max-age=9"],
            refusal: nil
        ),
        Case(
            name: "Authorization + s-maxage",
            request: ["Authorization: a"],
            response: ["Cache-Control: s-maxage=9"],
            refusal: nil
        ),
        Case(
            name: "Authorization + must-revalidate",
            request: ["Authorization: a"],
            response: ["Cache-Control: max-age=9, must-revalidate"],
            refusal: nil
        ),
        Case(name: "Vary: *", response: ["Cache-Control: max-age=9", "Vary: Origin, *"], refusal: .varyAny),
        Case(name: "Set-Cookie", response: ["Cache-Control: max-age=9", "Set-Cookie: a=b"], refusal: .setCookie),
        Case(name: "no-cache is stored", response: ["Cache-Control: no-cache", "ETag: \"a\""], refusal: nil),
    ]

    @Test("decides whether a shared cache may store a response", arguments: cases)
    func storability(_ testCase: Case) {
        let request = TestMessages.request(testCase.request, method: testCase.method)
        let response = TestMessages.response(testCase.status, testCase.response)
        #expect(HTTPCachePolicy().refusal(request: request, response: response) == testCase.refusal)
    }

    @Test("stores Set-Cookie responses when configured")
    func setCookieConfigured() {
        let policy = HTTPCachePolicy(configuration: .init(storesResponsesWithSetCookie: true))
        let response = TestMessages.response(200, ["Cache-Control: max-age=9", "Set-Cookie: a=b"])
        #expect(policy.refusal(request: TestMessages.request(), response: response) == nil)
    }

    @Test(
        "refusals name themselves for Cache-Status detail",
        arguments: [
            (HTTPCacheRefusal.method, "method"), (.status, "status"), (.requestNoStore, "request-no-store"),
            (.noStore, "no-store"), (.private, "private"), (.authorization, "authorization"),
            (.varyAny, "vary-star"), (.setCookie, "set-cookie"), (.noFreshness, "no-freshness"),
        ]
    )
    func details(refusal: HTTPCacheRefusal, detail: String) {
        #expect(refusal.detail == detail)
        #expect(refusal.description == detail)
    }
}
