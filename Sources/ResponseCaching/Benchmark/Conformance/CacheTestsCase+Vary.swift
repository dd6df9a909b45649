extension CacheTestsCase {
    private static func vary(
        _ id: String,
        _ vary: String,
        _ first: [String],
        _ second: [String],
        _ expected: Outcome
    )
        -> Self
    {
        Self(
            id: id,
            setupRequest: first,
            response: ["Expires: @5000", "Last-Modified: @-3000", "Date: @0", "Vary: \(vary)"],
            request: second,
            expected: expected
        )
    }

    /// Cases of `vary` (values are compared after combining lines and trimming around commas, not reordered).
    public static let varyCases: [Self] = [
        vary("vary-match", "Foo", ["Foo: 1"], ["Foo: 1"], .cached),
        vary("vary-no-match", "Foo", ["Foo: 1"], ["Foo: 2"], .notCached),
        vary("vary-omit", "Foo", ["Foo: 1"], [], .notCached),
        vary("vary-cache-key", "Foo", ["Foo: 1", "Other: 2"], ["Foo: 1", "Other: 3"], .cached),
        vary("vary-2-match", "Foo, Bar", ["Foo: 1", "Bar: abc"], ["Foo: 1", "Bar: abc"], .cached),
        vary("vary-2-no-match", "Foo, Bar", ["Foo: 1", "Bar: abc"], ["Foo: 2", "Bar: abc"], .notCached),
        vary("vary-2-match-omit", "Foo, Bar", ["Foo: 1"], [], .notCached),
        vary(
            "vary-3-match",
            "Foo, Bar, Baz",
            ["Foo: 1", "Bar: abc", "Baz: 789"],
            ["Foo: 1", "Bar: abc", "Baz: 789"],
            .cached
        ),
        vary(
            "vary-3-no-match",
            "Foo, Bar, Baz",
            ["Foo: 1", "Bar: abc", "Baz: 789"],
            ["Foo: 2", "Bar: abc", "Baz: 789"],
            .notCached
        ),
        vary(
            "vary-3-order",
            "Foo, Bar, Baz",
            ["Foo: 1", "Bar: abc4", "Baz: 789"],
            ["Foo: 1", "Bar: abc", "Baz: 789"],
            .notCached
        ),
        vary("vary-3-omit", "Foo, Bar, Baz", ["Foo: 1", "Baz: 789"], ["Foo: 1", "Baz: 789"], .cached),
        vary("vary-star", "*", ["Foo: 1", "Baz: 789"], ["*: 1", "Baz: 789"], .notCached),
        vary("vary-normalise-space", "Foo", ["Foo: 1,2"], ["Foo:  1, 2 "], .cached),
        vary("vary-normalise-combine", "Foo", ["Foo: 1, 2"], ["Foo: 1", "Foo: 2"], .cached),
        vary(
            "vary-normalise-lang-order",
            "Accept-Language",
            ["Accept-Language: en, de"],
            ["Accept-Language: de, en"],
            .notCached
        ),
    ]
}
