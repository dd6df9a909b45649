/// The rules for keys and tags: what a client may send is bounded before it reaches Redis or a log line.
public enum ResponseCacheKey: Sendable {
    /// The longest key or tag, in UTF-8 bytes.
    public static let maximumLength = 2_048
    /// The most tags on one entry.
    public static let maximumTags = 64

    /// Checks a key or a tag: 1 to ``maximumLength`` UTF-8 bytes, no control character (a newline separates tags
    /// in the shared tier).
    /// - Throws: ``ResponseCacheError`` with code ``ResponseCacheError/Code/invalidKey``.
    public static func validate(_ value: String, kind: String = "key") throws(ResponseCacheError) {
        let count = value.utf8.count
        guard count > 0 else { throw ResponseCacheError(.invalidKey, "a \(kind) must not be empty") }
        guard count <= maximumLength else {
            throw ResponseCacheError(.invalidKey, "a \(kind) is at most \(maximumLength) bytes (this one is \(count))")
        }
        guard !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw ResponseCacheError(.invalidKey, "a \(kind) must not hold a control character")
        }
    }
}
