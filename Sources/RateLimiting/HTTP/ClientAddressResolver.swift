public import HTTPTypes

/// Finds the client's address behind reverse proxies, trusting forwarding headers only as far as the proxies
/// that wrote them are trusted.
///
/// A forwarding header is a list that each proxy appends its peer's address to, so only its right end can be
/// believed: the resolver starts at the TCP peer and walks the list from the right, skipping hops that are
/// trusted proxies; the first address that is not a trusted proxy is the client. When the peer itself is not a
/// trusted proxy the header is ignored entirely (a client can write any header it likes). When every hop is
/// trusted, the leftmost is the client. A hop that is not an address (`unknown`, an obfuscated `_node`, or
/// garbage) where the walk needs one yields no address (`nil`): the limiter then applies its missing-key rule
/// rather than guessing.
///
/// Only one header is read, the one the proxies in front of the server write: reading another one, which the
/// proxies pass through untouched, would let a client choose its own address.
public struct ClientAddressResolver: Sendable, Hashable {
    /// The forwarding header the trusted proxies append to.
    public enum Header: String, Sendable, Hashable, CaseIterable {
        /// RFC 7239 `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"`.
        case forwarded = "forwarded"
        /// The de-facto `X-Forwarded-For: 192.0.2.60, 198.51.100.17`.
        case xForwardedFor = "x-forwarded-for"

        var fieldName: HTTPField.Name {
            switch self {
            case .forwarded: HTTPField.Name("Forwarded")!
            case .xForwardedFor: HTTPField.Name("X-Forwarded-For")!
            }
        }
    }

    /// The most hops walked; a longer run of trusted hops yields no address.
    public static let maximumHops = 32

    /// The proxies whose forwarding header is believed.
    public var trustedProxies: [IPAddressRange]
    /// The header they write.
    public var header: Header
    /// IPv6 clients are identified by this many leading bits (128: the full address; 64: the client's /64,
    /// which one client usually controls whole).
    public var ipv6PrefixLength: Int

    /// Creates a resolver.
    /// - Parameters:
    ///   - trustedProxies: Addresses and CIDR blocks of the reverse proxies in front of the server; empty to
    ///     ignore forwarding headers (the TCP peer is the client).
    ///   - header: The header those proxies append to.
    ///   - ipv6PrefixLength: 1 to 128 (clamped); 128 by default.
    public init(trustedProxies: [IPAddressRange] = [], header: Header = .xForwardedFor, ipv6PrefixLength: Int = 128) {
        self.trustedProxies = trustedProxies
        self.header = header
        self.ipv6PrefixLength = min(128, max(1, ipv6PrefixLength))
    }

    /// The client's address in canonical form (`192.0.2.60`, `2001:db8::1`, or `2001:db8::/64` with a shorter
    /// IPv6 prefix), or `nil` when it cannot be told.
    /// - Parameters:
    ///   - peer: The TCP peer's address (`nil` when unknown, such as over a Unix socket).
    ///   - headers: The request's header fields.
    public func clientAddress(peer: String?, headers: HTTPFields) -> String? {
        guard let peer else { return nil }
        // The common case on the hot path: no proxy is trusted and the peer is an IPv4 address as NIO writes it
        // (dotted decimal, already canonical), so it is the key as it stands.
        if trustedProxies.isEmpty, Self.isDottedIPv4(peer) { return peer }
        guard let peerAddress = IPAddress(peer) else { return nil }
        guard isTrusted(peerAddress) else { return format(peerAddress) }
        let values = headers[values: header.fieldName]
        // No header: the proxy itself made the request.
        guard !values.isEmpty else { return format(peerAddress) }
        let hops = header == .forwarded ? Self.forwardedHops(values) : Self.xForwardedForHops(values)
        var current = peerAddress
        for (walked, hop) in hops.reversed().enumerated() {
            guard walked < Self.maximumHops, let address = hop else { return nil }
            guard isTrusted(address) else { return format(address) }
            current = address
        }
        return format(current)
    }

    /// Whether `text` is four decimal numbers 0–255 without leading zeros, separated by dots.
    static func isDottedIPv4(_ text: String) -> Bool {
        var parts = 0
        var value = 0
        var digits = 0
        var leadingZero = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                value = 0
                digits = 0
                leadingZero = false
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard !leadingZero else { return false }
                if digits == 0, byte == UInt8(ascii: "0") { leadingZero = true }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255, digits <= 3 else { return false }
            } else {
                return false
            }
        }
        return parts == 3 && digits > 0
    }

    func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    func format(_ address: IPAddress) -> String {
        guard !address.isIPv4, ipv6PrefixLength < 128 else { return address.description }
        return "\(address.masked(to: ipv6PrefixLength))/\(ipv6PrefixLength)"
    }

    // MARK: - Header parsing

    /// The addresses of `X-Forwarded-For` fields, left to right (`nil` for an entry that is not an address).
    static func xForwardedForHops(_ values: [String]) -> [IPAddress?] {
        var hops: [IPAddress?] = []
        for value in values {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = entry.trimmingOWS()
                if trimmed.isEmpty { continue }  // empty list elements do not count (RFC 9110 §5.6.1)
                hops.append(node(trimmed))
            }
        }
        return hops
    }

    /// The `for` addresses of RFC 7239 `Forwarded` fields, left to right (`nil` for an element without `for`,
    /// or whose `for` is `unknown`, obfuscated or malformed).
    static func forwardedHops(_ values: [String]) -> [IPAddress?] {
        var hops: [IPAddress?] = []
        for value in values {
            for element in splitOutsideQuotes(Substring(value), separator: ",") {
                let trimmed = element.trimmingOWS()
                if trimmed.isEmpty { continue }
                var address: IPAddress? = nil
                for pair in splitOutsideQuotes(trimmed, separator: ";") {
                    let parts = pair.trimmingOWS().split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2, parts[0].lowercased() == "for" else { continue }
                    address = unquote(parts[1]).flatMap { node($0[...]) }
                    break
                }
                hops.append(address)
            }
        }
        return hops
    }

    /// A node: `192.0.2.60`, `192.0.2.60:8080`, `[2001:db8::1]`, `[2001:db8::1]:8080` or a bare
    /// `2001:db8::1`; `unknown`, `_obfuscated` and anything else are `nil`.
    static func node(_ text: Substring) -> IPAddress? {
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || isPort(rest) else { return nil }
            let inner = text[text.index(after: text.startIndex)..<close]
            guard inner.contains(":"), let address = IPAddress(inner), !address.isIPv4 || inner.contains(".") else {
                return nil
            }
            return address
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") {
            guard isPort(text[colon...]) else { return nil }
            return IPAddress(text[..<colon]).flatMap { $0.isIPv4 ? $0 : nil }
        }
        return IPAddress(text)
    }

    /// `:` followed by 1 to 5 digits (RFC 7239 also allows an obfuscated port, which carries no address).
    static func isPort(_ text: Substring) -> Bool {
        guard text.first == ":" else { return false }
        let digits = text.dropFirst()
        return (1...5).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A token as is, a quoted-string without its quotes and escapes; `nil` for an unterminated quote.
    static func unquote(_ text: Substring) -> String? {
        guard text.first == "\"" else { return String(text) }
        var result = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return result
            } else {
                result.append(character)
            }
        }
        return nil
    }

    /// Splits at `separator`s that are outside quoted-strings.
    static func splitOutsideQuotes(_ text: Substring, separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        var quoted = false
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if quoted, character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if !quoted, character == separator {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start...])
        return parts
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingOWS() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
