import HTTPTypes
import Testing

@testable import ResponseCaching

@Suite struct HTTPCacheKeyTests {
    @Test(
        "normalises the primary key",
        arguments: [
            ("https", "example.com", "/a", "https://example.com/a"),
            ("HTTPS", "Example.COM:443", "/a", "https://example.com/a"),
            ("http", "example.com:80", "/a", "http://example.com/a"),
            ("http", "example.com:8080", "/a", "http://example.com:8080/a"),
            ("https", "example.com:80", "/a", "https://example.com:80/a"),
            ("http", "example.com:", "/a", "http://example.com/a"),
            ("http", "user:pw@example.com", "/a", "http://example.com/a"),
            ("http", "[::1]:80", "/a", "http://[::1]/a"),
            ("http", "[::1]", "/a", "http://[::1]/a"),
            ("http", "h", "", "http://h/"),
            ("http", "h", "/%7euser/%41%2d%5f%2E", "http://h/~user/A-_."),
            ("http", "h", "/a%2fb%c3%a9", "http://h/a%2Fb%C3%A9"),
            ("http", "h", "/a/./b/../c", "http://h/a/c"),
            ("http", "h", "/a/b/..", "http://h/a/"),
            ("http", "h", "/../../a", "http://h/a"),
            ("http", "h", "/a/%2E%2E/b", "http://h/b"),
            ("http", "h", "/a?", "http://h/a"),
            ("http", "h", "/a?#f", "http://h/a"),
            ("http", "h", "/a#f", "http://h/a"),
            ("http", "h", "/a?b=2&a=1", "http://h/a?b=2&a=1"),
            ("http", "h", "/a?q=%7e%3d", "http://h/a?q=~%3D"),
            ("http", "h", "/a?q=/../x", "http://h/a?q=/../x"),
            ("http", "h", "*", "http://h*"),
        ]
    )
    func primary(scheme: String, authority: String, path: String, expected: String) {
        #expect(HTTPCacheKey(scheme: scheme, authority: authority, path: path).primary == expected)
    }

    @Test("the one-scan path for parts already in normal form agrees with the full normalisation")
    func alreadyNormalAgrees() {
        // Random targets over the characters that matter to normalisation; a fixed seed keeps the run repeatable.
        var random = MemoryCacheRandom(seed: 0x5EED_CAFE)
        let schemes = ["http", "https", "HTTP", "ws"]
        let authorities = [
            "h", "example.com", "example.com:80", "example.com:443", "example.com:8080", "Ex.com", "u@h",
            "[::1]:80", "h:", "a:b:81",
        ]
        let pieces = ["/", "a", "b", ".", "..", "%2e", "%7E", "%41", "?", "#", "&", "=", "~", "é", "-"]
        var fast = 0
        for _ in 0..<20_000 {
            let scheme = schemes[Int(random.next() % UInt64(schemes.count))]
            let authority = authorities[Int(random.next() % UInt64(authorities.count))]
            var path = random.next() % 8 == 0 ? "" : "/"
            for _ in 0..<Int(random.next() % 7) { path += pieces[Int(random.next() % UInt64(pieces.count))] }
            let full = HTTPCacheKey.normalized(scheme: scheme, authority: authority, path: path)
            if let quick = HTTPCacheKey.alreadyNormalized(scheme: scheme, authority: authority, path: path) {
                fast += 1
                #expect(quick == full, "\(scheme) \(authority) \(path)")
            }
            #expect(HTTPCacheKey(scheme: scheme, authority: authority, path: path).primary == full)
        }
        // The quick path is taken often enough for the comparison to mean something.
        #expect(fast > 1_000, "\(fast) of 20000 took the quick path")
    }

    @Test("GET and HEAD share a key; a missing scheme is http")
    func methodIndependent() {
        let get = HTTPRequest(method: .get, scheme: "https", authority: "h", path: "/x")
        let head = HTTPRequest(method: .head, scheme: "https", authority: "h", path: "/x")
        #expect(HTTPCacheKey(get) == HTTPCacheKey(head))
        #expect(
            HTTPCacheKey(HTTPRequest(method: .get, scheme: nil, authority: "h", path: "/x")).primary == "http://h/x"
        )
    }

    @Test(
        "reads Vary field names",
        arguments: [
            ([String](), [String](), false),
            (["Accept-Encoding"], ["accept-encoding"], false),
            (["Accept-Encoding, accept-encoding", "Origin"], ["accept-encoding", "origin"], false),
            (["Origin, *"], ["origin"], true),
            (["*"], [], true),
        ]
    )
    func varyNames(lines: [String], names: [String], wildcard: Bool) {
        let vary = HTTPCacheVary(TestMessages.fields(lines.map { "Vary: \($0)" }))
        #expect(vary.fieldNames == names)
        #expect(vary.isWildcard == wildcard)
    }

    @Test(
        "normalises Vary values into the secondary key",
        arguments: [
            ([String](), "accept-encoding\nfoo"),
            (["Accept-Encoding: gzip,  br"], "accept-encoding: gzip,br\nfoo"),
            (["Accept-Encoding: gzip", "accept-encoding:  br ", "Foo: A"], "accept-encoding: gzip,br\nfoo: A"),
            (["Foo: "], "accept-encoding\nfoo: "),
        ]
    )
    func secondaryKey(requestLines: [String], expected: String) {
        let vary = HTTPCacheVary(TestMessages.fields(["Vary: Accept-Encoding, Foo"]))
        #expect(vary.secondaryKey(for: TestMessages.fields(requestLines)) == expected)
    }

    @Test(
        "matches a stored variant against a new request",
        arguments: [
            (["Foo: 1"], ["Foo: 1"], true),
            (["Foo: 1"], ["Foo: 1", "Bar: 2"], true),
            (["Foo: 1"], ["Foo: a"], false),
            (["Foo: a"], ["Foo: A"], false),
            (["Foo: 1"], [], false),
            ([], [], true),
            (["Foo: 1, 2"], ["Foo: 1", "Foo: 2"], true),
        ]
    )
    func matchesVariant(stored: [String], new: [String], matches: Bool) throws {
        let response = TestMessages.response(200, ["Cache-Control: max-age=60", "Vary: Foo"])
        let metadata = try #require(TestMessages.store(response, for: TestMessages.request(stored)))
        #expect(metadata.matchesVary(TestMessages.fields(new)) == matches)
        let sameKey =
            metadata.secondaryKey == HTTPCacheVary(response.headerFields).secondaryKey(for: TestMessages.fields(new))
        #expect(sameKey == matches)
    }
}
