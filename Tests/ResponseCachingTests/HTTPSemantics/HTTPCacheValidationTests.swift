import HTTPTypes
import ResponseCaching
import Testing

@Suite struct HTTPCacheValidationTests {
    private static let storedLines = [
        "Date: @-100", "Cache-Control: max-age=60", "ETag: \"v1\"", "Last-Modified: @-1000", "Content-Length: 5",
        "Content-Type: text/plain", "Vary: Accept-Encoding", "Content-Location: /r.txt", "Expires: @-40", "X-A: 1",
        "Age: 3",
    ]

    private static func stored(_ lines: [String] = storedLines) throws -> HTTPCacheMetadata {
        try #require(TestMessages.store(TestMessages.response(200, lines)))
    }

    @Test(
        "answers conditional requests from the stored response (RFC 9110 §13.2.2)",
        arguments: [
            ([String](), HTTPRequest.Method.get, false),
            (["If-None-Match: \"v1\""], .get, true),
            (["If-None-Match: W/\"v1\""], .get, true),
            (["If-None-Match: \"v0\", \"v1\""], .head, true),
            (["If-None-Match: \"v0\"", "If-None-Match: \"v1\""], .get, true),
            (["If-None-Match: *"], .get, true),
            (["If-None-Match: \"v0\""], .get, false),
            (["If-None-Match: v1"], .get, false),
            (["If-None-Match: \"v1\""], .post, false),
            (["If-None-Match: \"v0\"", "If-Modified-Since: @0"], .get, false),
            (["If-Modified-Since: @0"], .get, true),
            (["If-Modified-Since: @-1000"], .get, true),
            (["If-Modified-Since: @-1001"], .get, false),
            (["If-Modified-Since: yesterday"], .get, false),
        ]
    )
    func notModified(lines: [String], method: HTTPRequest.Method, expected: Bool) throws {
        let request = TestMessages.request(lines, method: method)
        #expect(HTTPCacheValidation.isNotModified(request: request, stored: try Self.stored()) == expected)
    }

    @Test("uses the stored Date for If-Modified-Since without Last-Modified (RFC 9111 §4.3.2)")
    func modifiedSinceDate() throws {
        let stored = try Self.stored(["Date: @-100", "Cache-Control: max-age=60"])
        let after = TestMessages.request(["If-Modified-Since: @-100"])
        let before = TestMessages.request(["If-Modified-Since: @-101"])
        #expect(HTTPCacheValidation.isNotModified(request: after, stored: stored))
        #expect(!HTTPCacheValidation.isNotModified(request: before, stored: stored))
    }

    @Test("a 304 carries ETag, Cache-Control, Content-Location, Date, Expires and Vary (RFC 9110 §15.4.5)")
    func notModifiedFields() {
        let fields = HTTPCacheValidation.notModifiedFields(from: TestMessages.fields(Self.storedLines))
        let names = fields.map { $0.name.canonicalName }
        #expect(names == ["date", "cache-control", "etag", "vary", "content-location", "expires"])
        let withoutTag = HTTPCacheValidation.notModifiedFields(
            from: TestMessages.fields(["Last-Modified: @0", "X: 1"])
        )
        #expect(withoutTag.map { $0.name.canonicalName } == ["last-modified"])
    }

    @Test("builds the origin's revalidation request from the stored validators")
    func revalidationRequest() throws {
        let client = TestMessages.request(["If-None-Match: \"mine\"", "If-Match: \"x\"", "Accept: */*"])
        let request = HTTPCacheValidation.revalidationRequest(for: client, stored: try Self.stored())
        #expect(request.headerFields[.ifNoneMatch] == "\"v1\"")
        #expect(request.headerFields[.ifModifiedSince] == HTTPCacheDate.format(TestMessages.epoch - 1000))
        #expect(request.headerFields[.ifMatch] == nil)
        #expect(request.headerFields[.accept] == "*/*")
        let bare = HTTPCacheValidation.revalidationRequest(
            for: client,
            stored: try Self.stored(["Cache-Control: max-age=1"])
        )
        #expect(bare.headerFields[.ifNoneMatch] == nil)
        #expect(bare.headerFields[.ifModifiedSince] == nil)
    }

    @Test(
        "updates stored fields from a 304, except Content-Length and hop-by-hop fields (RFC 9111 §3.2)",
        arguments: [
            (["X-A: 2"], ["X-A: 2"]),
            (["X-A: 2", "X-A: 3"], ["X-A: 2", "X-A: 3"]),
            (["X-B: new"], ["X-A: 1", "X-B: new"]),
            (["Content-Length: 99"], ["X-A: 1"]),
            (["Connection: X-C", "X-C: 1", "Keep-Alive: 5", "Transfer-Encoding: chunked"], ["X-A: 1"]),
            (["Age: 7"], ["X-A: 1", "Age: 7"]),
            (["Content-Type: text/html"], ["X-A: 1", "Content-Type: text/html"]),
        ]
    )
    func updatesFields(update: [String], expectedTail: [String]) {
        let stored = TestMessages.fields(["Content-Length: 5", "Content-Type: text/plain", "X-A: 1", "Age: 3"])
        let merged = HTTPCacheValidation.updatedFields(stored: stored, notModified: TestMessages.fields(update))
        let lines = merged.map { "\($0.name.rawName): \($0.value)" }
        #expect(lines.first == "Content-Length: 5")
        #expect(!lines.contains("Age: 3"))
        let rest = lines.filter { $0 != "Content-Length: 5" && $0 != "Content-Type: text/plain" }
        #expect(rest == expectedTail)
    }

    @Test("strips hop-by-hop fields before storing (RFC 9111 §3.1)")
    func storableFields() {
        let fields = TestMessages.fields([
            "Connection: close, X-Hop", "X-Hop: 1", "Upgrade: h2c", "X-End: 2", "TE: trailers",
        ])
        #expect(HTTPCacheValidation.storableFields(fields).map { $0.name.rawName } == ["X-End"])
    }

    @Test(
        "checks that a 304 selects the stored response (RFC 9111 §4.3.4)",
        arguments: [
            ([String](), true),
            (["ETag: \"v1\""], true),
            (["ETag: \"v2\""], false),
            (["ETag: W/\"v1\""], false),
            (["Last-Modified: @-1000"], true),
            (["Last-Modified: @-999"], false),
        ]
    )
    func validates(update: [String], expected: Bool) throws {
        let fields = TestMessages.fields(update)
        #expect(HTTPCacheValidation.validates(stored: try Self.stored(), notModified: fields) == expected)
    }

    @Test("refreshes a stored response and its metadata from a 304")
    func refreshes() throws {
        let policy = HTTPCachePolicy()
        let t0 = Double(TestMessages.epoch)
        let storedResponse = TestMessages.response(
            200,
            ["Date: @-100", "Cache-Control: max-age=60", "ETag: \"v1\"", "Age: 3"]
        )
        let notModified = TestMessages.response(304, ["Cache-Control: max-age=120", "ETag: \"v1\""])
        let (response, metadata) = policy.refreshed(
            storedResponse: storedResponse,
            notModified: notModified,
            request: TestMessages.request(),
            requestTime: t0 - 1,
            responseTime: t0
        )
        #expect(response.status.code == 200)
        #expect(response.headerFields[.cacheControl] == "max-age=120")
        #expect(response.headerFields[.date] == HTTPCacheDate.format(TestMessages.epoch))
        #expect(response.headerFields[.age] == nil)
        #expect(metadata.freshnessLifetime == 120)
        #expect(metadata.currentAge(now: t0) == 1)
        #expect(
            policy.decision(for: TestMessages.request(), stored: metadata, now: t0 + 10)
                == .serve(age: 11, timeToLive: 109)
        )
    }
}
