import HTTPTypes
import ResponseCaching
import Testing

@Suite struct HTTPCachePolicyInvalidationTests {
    @Test(
        "invalidates after successful unsafe requests (cache-tests invalidate-*)",
        arguments: [
            ("invalidate-POST", HTTPRequest.Method.post, 200, ["https://example.com/r"]),
            ("invalidate-PUT", .put, 201, ["https://example.com/r"]),
            ("invalidate-DELETE", .delete, 204, ["https://example.com/r"]),
            ("invalidate-M-SEARCH", HTTPRequest.Method("M-SEARCH")!, 200, ["https://example.com/r"]),
            ("invalidate-POST-failed", .post, 500, []),
            ("invalidate-PUT-failed", .put, 404, []),
            ("GET never invalidates", .get, 200, []),
            ("a redirect invalidates", .post, 303, ["https://example.com/r"]),
        ]
    )
    func target(id: String, method: HTTPRequest.Method, status: Int, expected: [String]) {
        let keys = HTTPCachePolicy().invalidatedKeys(
            request: TestMessages.request(method: method),
            response: TestMessages.response(status, [])
        )
        #expect(keys.map(\.primary) == expected)
    }

    @Test(
        "invalidates Location and Content-Location on the same origin (invalidate-*-location, invalidate-*-cl)",
        arguments: [
            (["Location: /a/location_target"], ["https://example.com/a/location_target"]),
            (["Content-Location: content_location_target"], ["https://example.com/dir/content_location_target"]),
            (["Content-Location: ../x?q=1"], ["https://example.com/x?q=1"]),
            (["Location: ?page=2"], ["https://example.com/dir/r?page=2"]),
            (["Location: https://EXAMPLE.com:443/y"], ["https://example.com/y"]),
            (["Location: //example.com/z"], ["https://example.com/z"]),
            (["Location: https://other.example/y"], []),
            (["Location: http://example.com/y"], []),
            (["Location: mailto:a@example.com"], []),
            (["Location: /dir/r", "Content-Location: /dir/./r"], ["https://example.com/dir/r"]),
            (["Location: /dir/r?x=1"], []),
        ]
    )
    func locations(lines: [String], extra: [String]) {
        let keys = HTTPCachePolicy().invalidatedKeys(
            request: TestMessages.request(method: .post, path: "/dir/r?x=1"),
            response: TestMessages.response(201, lines)
        )
        let target = "https://example.com/dir/r?x=1"
        #expect(keys.map(\.primary) == [target] + extra.filter { $0 != target })
    }
}
