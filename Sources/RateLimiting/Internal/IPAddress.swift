/// An IPv4 or IPv6 address as 16 bytes (IPv4 as an IPv4-mapped IPv6 address, so `1.2.3.4` and
/// `::ffff:1.2.3.4` are one address), parsed strictly from text and printed canonically.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The 16 bytes, in network order.
    private(set) var bytes: [UInt8]

    /// Whether the address is an IPv4 address (or an IPv4-mapped IPv6 one).
    var isIPv4: Bool {
        bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses `a.b.c.d` (four decimal octets without leading zeros) or an RFC 4291 IPv6 address (with `::`
    /// compression and an optional IPv4 tail); an IPv6 zone (`%eth0`) is ignored. Anything else is `nil`.
    init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count <= 64 else { return nil }
        if let v4 = Self.parseIPv4(utf8[...]) {
            self.init(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4)
            return
        }
        var address = utf8[...]
        if let percent = address.firstIndex(of: UInt8(ascii: "%")) {
            guard percent != address.startIndex, percent != address.index(before: address.endIndex) else { return nil }
            address = address[..<percent]
        }
        guard let v6 = Self.parseIPv6(address) else { return nil }
        self.init(bytes: v6)
    }

    /// The address with every bit past the first `prefixLength` cleared (`prefixLength` counts IPv4 bits for
    /// IPv4 addresses).
    func masked(to prefixLength: Int) -> IPAddress {
        let bits = isIPv4 ? 96 + prefixLength : prefixLength
        var copy = bytes
        for index in 0..<16 {
            let keep = max(0, min(8, bits - index * 8))
            copy[index] &= keep == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: copy)
    }

    /// `1.2.3.4`, or the RFC 5952 form of an IPv6 address (lower case, the longest run of two or more zero
    /// groups compressed to `::`, the first such run on a tie).
    var description: String {
        if isIPv4 { return bytes[12...].map(String.init).joined(separator: ".") }
        let groups = (0..<8).map { Int(bytes[$0 * 2]) << 8 | Int(bytes[$0 * 2 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8, groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        guard bestLength >= 2 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            // A leading zero reads as octal to some parsers: refuse the ambiguity.
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard value <= 255 else { return nil }
            octets.append(UInt8(value))
        }
        return octets
    }

    private static func parseIPv6(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let colon = UInt8(ascii: ":")
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var compressed = false
        // `::` at most once; split the text around it.
        if let range = firstDoubleColon(in: text) {
            compressed = true
            let before = text[text.startIndex..<range.lowerBound]
            let after = text[range.upperBound...]
            guard firstDoubleColon(in: after) == nil else { return nil }
            guard let parsedHead = groups(before, allowIPv4Tail: false) else { return nil }
            guard let parsedTail = groups(after, allowIPv4Tail: true) else { return nil }
            head = parsedHead
            tail = parsedTail
        } else {
            guard text.first != colon, text.last != colon else { return nil }
            guard let parsed = groups(text, allowIPv4Tail: true) else { return nil }
            head = parsed
        }
        let count = head.count + tail.count
        if compressed {
            guard count <= 7 else { return nil }
        } else {
            guard count == 8 else { return nil }
        }
        let all = head + Array(repeating: 0, count: 8 - count) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    private static func firstDoubleColon(in text: ArraySlice<UInt8>) -> Range<Int>? {
        var index = text.startIndex
        while index < text.endIndex - 1 {
            if text[index] == UInt8(ascii: ":"), text[index + 1] == UInt8(ascii: ":") { return index..<(index + 2) }
            index += 1
        }
        return nil
    }

    /// Colon-separated groups of 1 to 4 hex digits; the last may be an IPv4 address (two groups).
    private static func groups(_ text: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (offset, part) in parts.enumerated() {
            if offset == parts.count - 1, allowIPv4Tail, part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(part) else { return nil }
                result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                continue
            }
            guard (1...4).contains(part.count) else { return nil }
            var value: UInt16 = 0
            for byte in part {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            result.append(value)
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
