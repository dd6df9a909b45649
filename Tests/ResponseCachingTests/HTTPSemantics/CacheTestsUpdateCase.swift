import HTTPTypes
import ResponseCaching
import Testing

/// A cache-tests `update304` case: a stored response becomes stale, is validated with a 304 that carries a new
/// value of a field, and the merged response is served.
struct CacheTestsUpdateCase: Sendable, CustomTestStringConvertible {
    /// The cache-tests id this case corresponds to.
    var id: String
    /// The stored response's fields.
    var stored: [String]
    /// The 304's fields.
    var notModified: [String]
    /// The field to look at.
    var field: String
    /// Its value in the served response, or `nil` when the first response is not stored at all.
    var expected: String?

    var testDescription: String { self.id }

    private static let updatedFields: [(String, String, String)] = [
        ("Test-Header", "A", "B"), ("X-Test-Header", "A", "B"), ("Content-Foo", "A", "B"), ("X-Content-Foo", "A", "B"),
        ("Content-Type", "text/plain", "text/plain;charset=utf-8"),
        ("Content-MD5", "rL0Y20zC+Fzt72VPzMSk2A==", "N7UdGUp1E+RbVvZSTy1R8g=="), ("Content-Location", "/foo", "/bar"),
        ("Content-Security-Policy", "default-src 'self'", "default-src 'self' cdn.example.com"),
        ("X-Frame-Options", "deny", "sameorigin"), ("X-XSS-Protection", "1", "1; mode=block"),
        ("Expires", "@1", "@3600"), ("Clear-Site-Data", "cache", "cookies"), ("Public-Key-Pins", "A", "B"),
        ("Set-Cookie2", "a=b", "a=c"),
    ]

    private static func lines(_ validator: String, _ lifetime: Int, _ field: String, _ value: String) -> [String] {
        ["Cache-Control: max-age=\(lifetime)", "Date: @0", validator, "\(field): \(value)"]
    }

    static let cases: [Self] =
        [
            Self(
                id: "304-lm-use-stored-Test-Header",
                stored: lines("Last-Modified: @-86400", 1, "Test-Header", "A"),
                notModified: ["Cache-Control: max-age=3600", "Last-Modified: @-86400", "Date: @0"],
                field: "Test-Header",
                expected: "A"
            ),
            Self(
                id: "304-etag-update-response-Cache-Control",
                stored: ["A: b", "Date: @0", "ETag: \"e1\"", "Cache-Control: max-age=1"],
                notModified: ["A: b", "Date: @0", "ETag: \"e1\"", "Cache-Control: max-age=3600"],
                field: "Cache-Control",
                expected: "max-age=3600"
            ),
            Self(
                id: "304-etag-update-response-Set-Cookie",
                stored: lines("ETag: \"e1\"", 1, "Set-Cookie", "a=b"),
                notModified: lines("ETag: \"e1\"", 3600, "Set-Cookie", "a=c"),
                field: "Set-Cookie",
                expected: nil
            ),
        ]
        + updatedFields.flatMap { field, old, new in
            [("lm", "Last-Modified: @-86400"), ("etag", "ETag: \"e1\"")].map { kind, validator in
                Self(
                    id: "304-\(kind)-update-response-\(field)",
                    stored: lines(validator, 1, field, old),
                    notModified: lines(validator, 3600, field, new),
                    field: field,
                    expected: new.hasPrefix("@")
                        ? HTTPCacheDate.format(TestMessages.epoch + Int64(new.dropFirst())!) : new
                )
            }
        }

    /// Stores, validates 3 s later, and returns the field's value in the refreshed response.
    func run() -> (value: String?, servedFresh: Bool) {
        let policy = HTTPCachePolicy()
        let storedResponse = TestMessages.response(200, self.stored)
        guard let metadata = TestMessages.store(storedResponse) else { return (nil, false) }
        let now = Double(TestMessages.epoch) + 3
        guard case .revalidate = policy.decision(for: TestMessages.request(), stored: metadata, now: now) else {
            return (nil, false)
        }
        let notModified = TestMessages.response(304, self.notModified)
        guard HTTPCacheValidation.validates(stored: metadata, notModified: notModified.headerFields) else {
            return (nil, false)
        }
        let (response, refreshed) = policy.refreshed(
            storedResponse: storedResponse,
            notModified: notModified,
            request: TestMessages.request(),
            requestTime: now,
            responseTime: now
        )
        let fresh = refreshed.isFresh(now: now + 3)
        return (response.headerFields[HTTPField.Name(self.field)!], fresh)
    }
}
