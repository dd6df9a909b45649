import Crypto

/// A Lua script and its SHA-1 digest, computed once on the client: what `EVALSHA` names the script by.
///
/// Create scripts once (as `static let`s) and run them with
/// ``RedisCommandExecutor/evaluate(_:keys:arguments:)``, which sends only the digest and loads the script when the
/// server does not know it yet.
///
/// ```swift
/// static let release = RedisScript("""
///     if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
///     return 0
///     """)
/// ```
public struct RedisScript: Hashable, Sendable {
    /// The Lua source.
    public let source: String
    /// The SHA-1 digest of the source's UTF-8 bytes, in lower-case hexadecimal (as `SCRIPT LOAD` returns it).
    public let sha1: String

    /// Creates a script and computes its digest.
    public init(_ source: String) {
        self.source = source
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(40)
        for byte in Insecure.SHA1.hash(data: Array(source.utf8)) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        self.sha1 = String(decoding: hex, as: UTF8.self)
    }
}
