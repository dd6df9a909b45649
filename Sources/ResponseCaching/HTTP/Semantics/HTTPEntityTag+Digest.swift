extension HTTPEntityTag {
    private static let base64URLAlphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8
    )

    /// Creates a strong entity tag from a digest of the content, encoded as unpadded base64url.
    ///
    /// The caller chooses the digest (for example SHA-256 of the body); equal digests give equal tags.
    /// - Parameter digest: the digest bytes.
    public init(strongDigest digest: some Sequence<UInt8>) {
        self.init(Self.base64URL(Array(digest)), isWeak: false)
    }

    /// Encodes bytes as base64url without padding (RFC 4648 §5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let first = UInt32(bytes[index])
            let second = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let third = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            let characters = min(remaining, 3) + 1
            for position in 0..<characters {
                let sextet = Int((group >> UInt32(18 - position * 6)) & 0x3F)
                output.append(Self.base64URLAlphabet[sextet])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
