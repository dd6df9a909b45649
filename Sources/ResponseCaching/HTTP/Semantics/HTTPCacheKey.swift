public import HTTPTypes

/// The primary cache key of a request: its normalised target URI (RFC 9111 §4, RFC 3986 §6.2.2).
///
/// The method is not part of the key, so GET and HEAD share entries. Normalisation lowercases the scheme and
/// host, drops user information and the default port, decodes percent-encoded unreserved characters and
/// upper-cases the remaining hex digits, removes dot segments, drops the fragment and an empty query, and keeps
/// the query's order.
public struct HTTPCacheKey: Hashable, Sendable, CustomStringConvertible {
    /// The normalised URI, for example `https://example.com/a/b?x=1`.
    public var primary: String

    /// Creates the key of a request; a missing scheme counts as `http`, a missing path as `/`.
    /// - Parameter request: the request.
    public init(_ request: HTTPRequest) {
        self.init(scheme: request.scheme ?? "http", authority: request.authority ?? "", path: request.path ?? "/")
    }

    /// Creates the key from the parts of a request target.
    /// - Parameters:
    ///   - scheme: the URI scheme.
    ///   - authority: `host[:port]`, possibly with user information.
    ///   - path: the path with optional query and fragment.
    public init(scheme: String, authority: String, path: String) {
        self.primary =
            Self.alreadyNormalized(scheme: scheme, authority: authority, path: path)
            ?? Self.normalized(scheme: scheme, authority: authority, path: path)
    }

    /// The key when the parts are already in normal form, which is what almost every request sends (a lowercase
    /// `http`/`https` scheme, a lowercase host without user information, an explicit non-default port or none, a
    /// path without `%`, `#`, dot segments or an empty query): then normalising changes nothing, so one scan of the
    /// bytes replaces it. `nil` sends the parts to the full normalisation.
    static func alreadyNormalized(scheme: String, authority: String, path: String) -> String? {
        let defaultPort: String
        switch scheme {
        case "http": defaultPort = "80"
        case "https": defaultPort = "443"
        default: return nil
        }
        var portStart: String.UTF8View.Index?
        for index in authority.utf8.indices {
            switch authority.utf8[index] {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "@"), UInt8(ascii: "["), 0x80...0xFF: return nil
            case UInt8(ascii: ":"): portStart = authority.utf8.index(after: index)
            default: break
            }
        }
        if let portStart {
            let port = authority.utf8[portStart...]
            guard !port.isEmpty, !port.elementsEqual(defaultPort.utf8) else { return nil }
        }
        guard path.utf8.first == UInt8(ascii: "/"), path.utf8.last != UInt8(ascii: "?") else { return nil }
        var previous: UInt8 = 0
        var inQuery = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "#") { return nil }
            if byte == UInt8(ascii: "?") { inQuery = true }
            // Dot segments matter in the path only; the query is kept as it is.
            if !inQuery && byte == UInt8(ascii: ".") && previous == UInt8(ascii: "/") { return nil }
            previous = byte
        }
        return scheme + "://" + authority + path
    }

    /// The key, every part normalised (RFC 3986 §6.2.2).
    static func normalized(scheme: String, authority: String, path: String) -> String {
        let scheme = scheme.lowercased()
        var target = Substring(path)
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        var query: Substring? = nil
        if let question = target.firstIndex(of: "?") {
            query = target[target.index(after: question)...]
            target = target[..<question]
        }
        var normalizedPath = Self.normalizePercentEncoding(target)
        if normalizedPath.isEmpty { normalizedPath = "/" }
        if normalizedPath.hasPrefix("/") { normalizedPath = Self.removeDotSegments(normalizedPath) }
        var key = "\(scheme)://\(Self.normalizeAuthority(authority, scheme: scheme))\(normalizedPath)"
        if let query, !query.isEmpty { key += "?" + Self.normalizePercentEncoding(query) }
        return key
    }

    /// The normalised URI.
    public var description: String { self.primary }

    private static func normalizeAuthority(_ authority: String, scheme: String) -> String {
        var host = Substring(authority)
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        var port: Substring? = nil
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        let defaultPort = ["http": "80", "https": "443", "ws": "80", "wss": "443"][scheme]
        let lowered = host.lowercased()
        guard let port, !port.isEmpty, String(port) != defaultPort else { return lowered }
        return "\(lowered):\(port)"
    }

    /// Decodes percent-encoded unreserved characters and upper-cases the hex digits of the others.
    static func normalizePercentEncoding(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = Self.hexValue(bytes[index + 1]), let low = Self.hexValue(bytes[index + 2])
            {
                let decoded = high << 4 | low
                if Self.isUnreserved(decoded) {
                    output.append(decoded)
                } else {
                    output.append(contentsOf: "%\(Self.hexDigit(high))\(Self.hexDigit(low))".utf8)
                }
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Removes `.` and `..` segments from an absolute path (RFC 3986 §5.2.4).
    static func removeDotSegments(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var output: [Substring] = []
        for (offset, segment) in segments.enumerated() {
            let isLast = offset == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> Character {
        Character(Unicode.Scalar(value < 10 ? value + UInt8(ascii: "0") : value - 10 + UInt8(ascii: "A")))
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
