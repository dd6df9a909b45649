import ResponseCaching
import Testing

@Suite struct HTTPEntityTagTests {
    @Test(
        "parses strong and weak tags",
        arguments: [
            ("\"xyzzy\"", HTTPEntityTag("xyzzy")),
            ("W/\"xyzzy\"", HTTPEntityTag("xyzzy", isWeak: true)),
            ("  \"a,b\"  ", HTTPEntityTag("a,b")),
            ("\"\"", HTTPEntityTag("")),
        ]
    )
    func parses(text: String, expected: HTTPEntityTag) {
        #expect(HTTPEntityTag(parsing: text) == expected)
        #expect(HTTPEntityTag(parsing: expected.description) == expected)
    }

    @Test("rejects malformed tags", arguments: ["", "xyzzy", "\"xyzzy", "w/\"x\"", "W/x", "\"a\" \"b\"", "\"a b\""])
    func rejects(text: String) {
        #expect(HTTPEntityTag(parsing: text) == nil)
    }

    @Test(
        "compares weakly and strongly (RFC 9110 §8.8.3.2)",
        arguments: [
            ("W/\"1\"", "W/\"1\"", false, true),
            ("W/\"1\"", "W/\"2\"", false, false),
            ("W/\"1\"", "\"1\"", false, true),
            ("\"1\"", "\"1\"", true, true),
        ]
    )
    func compares(first: String, second: String, strong: Bool, weak: Bool) throws {
        let a = try #require(HTTPEntityTag(parsing: first))
        let b = try #require(HTTPEntityTag(parsing: second))
        #expect(a.strongMatches(b) == strong)
        #expect(a.weakMatches(b) == weak)
    }

    @Test(
        "parses If-None-Match lists",
        arguments: [
            (["*"], HTTPEntityTag.List.any),
            (["\"a\", W/\"b\""], .tags([HTTPEntityTag("a"), HTTPEntityTag("b", isWeak: true)])),
            (["\"a\"", "\"b\""], .tags([HTTPEntityTag("a"), HTTPEntityTag("b")])),
            ([" , \"a,b\" ,"], .tags([HTTPEntityTag("a,b")])),
        ]
    )
    func parsesLists(lines: [String], expected: HTTPEntityTag.List) {
        #expect(HTTPEntityTag.List(lines: lines) == expected)
    }

    @Test("rejects malformed lists", arguments: [[""], ["a"], ["\"a\" \"b\""], ["*, \"a\""], ["\"a"]])
    func rejectsLists(lines: [String]) {
        #expect(HTTPEntityTag.List(lines: lines) == nil)
    }

    @Test("matches lists weakly for If-None-Match and strongly for If-Match")
    func matchesLists() throws {
        let list = try #require(HTTPEntityTag.List(lines: ["W/\"a\", \"b\""]))
        #expect(list.weakMatches(HTTPEntityTag("a")))
        #expect(!list.strongMatches(HTTPEntityTag("a")))
        #expect(list.strongMatches(HTTPEntityTag("b")))
        #expect(!list.weakMatches(HTTPEntityTag("c")))
        #expect(!list.weakMatches(nil))
        #expect(HTTPEntityTag.List.any.weakMatches(nil))
    }

    @Test(
        "makes strong tags from digests as unpadded base64url",
        arguments: [
            ([UInt8](), "\"\""),
            ([0x66], "\"Zg\""),
            ([0x66, 0x6F], "\"Zm8\""),
            ([0x66, 0x6F, 0x6F], "\"Zm9v\""),
            ([0xFB, 0xFF, 0xBF], "\"-_-_\""),
            ([0x00, 0x10, 0x83, 0x10, 0x51], "\"ABCDEFE\""),
        ]
    )
    func digest(bytes: [UInt8], expected: String) {
        let tag = HTTPEntityTag(strongDigest: bytes)
        #expect(tag.description == expected)
        #expect(!tag.isWeak)
    }
}
