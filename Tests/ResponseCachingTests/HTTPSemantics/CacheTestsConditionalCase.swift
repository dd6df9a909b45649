import HTTPTypes
import ResponseCaching
import Testing

/// A cache-tests `conditional-inm` case: a fresh stored response and a client's conditional request, answered by
/// the cache with 304 or not.
struct CacheTestsConditionalCase: Sendable, CustomTestStringConvertible {
    private static let fresh = ["Expires: @100000", "Cache-Control: max-age=100000", "Last-Modified: @0", "Date: @0"]

    /// The cache-tests id this case corresponds to.
    var id: String
    /// The stored response's `ETag` and any extra fields.
    var stored: [String]
    /// The client's request fields.
    var request: [String]
    /// Whether the cache answers 304 itself.
    var notModified: Bool

    var testDescription: String { self.id }

    static let cases: [Self] = [
        Self(
            id: "conditional-etag-strong-respond",
            stored: ["ETag: \"abcdef\""],
            request: ["If-None-Match: \"abcdef\""],
            notModified: true
        ),
        Self(
            id: "conditional-etag-precedence",
            stored: ["Last-Modified: @-5000", "ETag: \"abcdef\""],
            request: ["If-None-Match: \"abcdef\"", "If-Modified-Since: @-5001"],
            notModified: true
        ),
        Self(
            id: "conditional-etag-strong-respond-obs-text",
            stored: ["ETag: \"abcdefü\""],
            request: ["If-None-Match: \"abcdefü\""],
            notModified: true
        ),
        Self(
            id: "conditional-etag-quoted-respond-unquoted",
            stored: ["ETag: \"abcdef\""],
            request: ["If-None-Match: abcdef"],
            notModified: false
        ),
        Self(
            id: "conditional-etag-unquoted-respond-unquoted",
            stored: ["ETag: abcdef"],
            request: ["If-None-Match: abcdef"],
            notModified: false
        ),
        Self(
            id: "conditional-etag-unquoted-respond-quoted",
            stored: ["ETag: abcdef"],
            request: ["If-None-Match: \"abcdef\""],
            notModified: false
        ),
        Self(
            id: "conditional-etag-weak-respond",
            stored: ["ETag: W/\"abcdef\""],
            request: ["If-None-Match: W/\"abcdef\""],
            notModified: true
        ),
        Self(
            id: "conditional-etag-weak-respond-lowercase",
            stored: ["ETag: w/\"abcdef\""],
            request: ["If-None-Match: w/\"abcdef\""],
            notModified: false
        ),
        Self(
            id: "conditional-etag-weak-respond-backslash",
            stored: ["ETag: W\\\"abcdef\""],
            request: ["If-None-Match: W\\\"abcdef\""],
            notModified: false
        ),
        Self(
            id: "conditional-etag-weak-respond-omit-slash",
            stored: ["ETag: W\"abcdef\""],
            request: ["If-None-Match: W\"abcdef\""],
            notModified: false
        ),
        Self(
            id: "conditional-etag-strong-respond-multiple-first",
            stored: ["ETag: \"abcdef\""],
            request: ["If-None-Match: \"abcdef\", \"1234\", \"5678\""],
            notModified: true
        ),
        Self(
            id: "conditional-etag-strong-respond-multiple-second",
            stored: ["ETag: \"abcdef\""],
            request: ["If-None-Match: \"1234\", \"abcdef\", \"5678\""],
            notModified: true
        ),
        Self(
            id: "conditional-etag-strong-respond-multiple-last",
            stored: ["ETag: \"abcdef\""],
            request: ["If-None-Match: \"1234\", \"5678\", \"abcdef\""],
            notModified: true
        ),
    ]

    /// Stores the response, checks it is served fresh, and answers the conditional request.
    /// - Returns: whether the cache answers 304, and the `ETag` its 304 would carry.
    func run() throws -> (notModified: Bool, entityTag: String?) {
        let response = TestMessages.response(200, Self.fresh + self.stored)
        let stored = try #require(TestMessages.store(response))
        let request = TestMessages.request(self.request)
        let decision = HTTPCachePolicy().decision(for: request, stored: stored, now: Double(TestMessages.epoch) + 3)
        #expect(decision == .serve(age: 3, timeToLive: 99_997))
        let fields = HTTPCacheValidation.notModifiedFields(from: response.headerFields)
        return (HTTPCacheValidation.isNotModified(request: request, stored: stored), fields[.eTag])
    }
}
