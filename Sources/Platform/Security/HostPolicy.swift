import Foundation
import Synchronization

/// Which `Host` names the server answers and which `Origin`s may change state with a dashboard session: the
/// defence against DNS rebinding, where a page on `evil.example` re-points its own name at 127.0.0.1 and then
/// talks to the server as a "same-origin" page.
///
/// A request's `Host` is accepted when it is an IP address literal (a rebinding page can only use a name),
/// `localhost` or a name under `.localhost` (browsers resolve those to loopback themselves), the configured
/// listen host, or a name in `allowedHosts` (exact, or `.example.com` for the name and every name under it;
/// `*` accepts any, which gives up this defence). A request without `Host` (HTTP/1.0 tools) comes from no
/// browser and is accepted.
///
/// An `Origin` is compared with origins derived from configuration, never with the request's own `Host`:
/// `http://<loopback name or address>:<port>` for the port the server listens on, `http://<name>:<port>` and
/// `https://<name>` for the listen host and each exact name in `allowedHosts`, and every origin in
/// `allowedOrigins` (for a proxy that serves the dashboard elsewhere).
public struct HostPolicy: Sendable {
    let exactHosts: Set<String>
    let suffixes: [String]
    let acceptsAnyHost: Bool
    let configuredOrigins: Set<String>
    let port: ListeningPort

    /// Creates the policy.
    /// - Parameters:
    ///   - listenHost: The address or name the server listens on.
    ///   - allowedHosts: Further host names (`.example.com` for a domain and its subdomains, `*` for any).
    ///   - allowedOrigins: Further origins allowed to change state with a session (`https://admin.example.com`).
    ///   - port: The port the server listens on (known once it is bound).
    public init(listenHost: String, allowedHosts: [String], allowedOrigins: [String], port: ListeningPort) {
        var exact: Set<String> = []
        var suffixes: [String] = []
        var any = false
        let listen = Self.normalisedHost(listenHost)
        if !Self.isWildcardAddress(listen) { exact.insert(listen) }
        for entry in allowedHosts.map(Self.normalisedHost) {
            if entry == "*" {
                any = true
            } else if entry.hasPrefix(".") {
                suffixes.append(entry)
            } else if !entry.isEmpty {
                exact.insert(entry)
            }
        }
        self.exactHosts = exact
        self.suffixes = suffixes
        self.acceptsAnyHost = any
        self.configuredOrigins = Set(allowedOrigins.compactMap(Self.normalisedOrigin))
        self.port = port
    }

    /// Whether a request with this `Host` (authority) value is answered; `nil` (no `Host`) is.
    public func allows(host authority: String?) -> Bool {
        guard let authority else { return true }
        guard let host = Self.host(ofAuthority: authority) else { return false }
        if acceptsAnyHost || Self.isIPLiteral(host) || Self.isLocalhost(host) || exactHosts.contains(host) {
            return true
        }
        return suffixes.contains { host == $0.dropFirst() || host.hasSuffix($0) }
    }

    /// Whether a state-changing request with a dashboard session may come from `origin`.
    public func allows(origin: String) -> Bool {
        guard let normalised = Self.normalisedOrigin(origin) else { return false }
        if configuredOrigins.contains(normalised) { return true }
        guard let schemeEnd = normalised.range(of: "://") else { return false }
        let scheme = normalised[..<schemeEnd.lowerBound]
        let authority = String(normalised[schemeEnd.upperBound...])
        guard let host = Self.host(ofAuthority: authority) else { return false }
        let originPort = Self.port(ofAuthority: authority) ?? (scheme == "https" ? 443 : 80)
        let listening = port.value
        if scheme == "http", listening > 0, originPort == listening,
            Self.isLoopbackAddress(host) || Self.isLocalhost(host) || exactHosts.contains(host)
        {
            return true
        }
        return scheme == "https" && originPort == 443 && exactHosts.contains(host) && !Self.isIPLiteral(host)
    }

    // MARK: Parsing

    /// `Host` names compare in lower case without a trailing dot.
    static func normalisedHost(_ text: String) -> String {
        var host = text.trimmingCharacters(in: .whitespaces).lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        if host.contains(":"), !host.hasPrefix("["), host != "*" { host = "[\(host)]" }  // a bare IPv6 address
        return host
    }

    /// The host part of `host[:port]` or `[v6]:port`, in lower case without a trailing dot; `nil` when malformed.
    /// This runs for every request, so it scans bytes once and allocates only the result.
    static func host(ofAuthority authority: String) -> String? {
        let bytes = authority.utf8
        guard !bytes.isEmpty, bytes.count <= 300 else { return nil }
        var hostEnd = bytes.endIndex
        var hasUpper = false
        var index = bytes.startIndex
        let bracketed = bytes.first == UInt8(ascii: "[")
        var closed = !bracketed
        while index != bytes.endIndex {
            let byte = bytes[index]
            // Printable ASCII only; no userinfo or path in a Host.
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "/"), byte != UInt8(ascii: "@") else { return nil }
            if bracketed && !closed {
                if byte == UInt8(ascii: "]") {
                    closed = true
                    hostEnd = bytes.index(after: index)
                }
            } else if byte == UInt8(ascii: ":") && hostEnd == bytes.endIndex {
                hostEnd = index
            } else if hostEnd != bytes.endIndex && index != hostEnd {
                // After the host: a port of digits only.
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            } else if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                hasUpper = true
            }
            index = bytes.index(after: index)
        }
        guard closed, hostEnd != bytes.startIndex else { return nil }
        if hostEnd != bytes.endIndex {
            // `host:` with nothing after the colon, or `[v6]x`, is malformed.
            let rest = bytes[hostEnd...]
            guard rest.first == UInt8(ascii: ":"), rest.count >= 2, rest.count <= 6 else { return nil }
        }
        var host = String(Substring(bytes[..<hostEnd]))
        if hasUpper { host = host.lowercased() }
        if host.hasSuffix(".") { host.removeLast() }
        return host.isEmpty ? nil : host
    }

    static func port(ofAuthority authority: String) -> Int? {
        let tail =
            authority.hasPrefix("[")
            ? authority.split(separator: "]", maxSplits: 1).dropFirst().first.map(String.init) ?? "" : authority
        guard let colon = tail.lastIndex(of: ":") else { return nil }
        return Int(tail[tail.index(after: colon)...])
    }

    /// `scheme://host[:port]` in lower case with the default port left out; `nil` for `null` or anything else.
    static func normalisedOrigin(_ origin: String) -> String? {
        let text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = String(text[..<schemeEnd.lowerBound])
        guard scheme == "http" || scheme == "https" else { return nil }
        var authority = String(text[schemeEnd.upperBound...])
        if authority.hasSuffix("/") { authority.removeLast() }
        guard let host = host(ofAuthority: authority) else { return nil }
        let port = port(ofAuthority: authority)
        let defaultPort = scheme == "https" ? 443 : 80
        return port == nil || port == defaultPort ? "\(scheme)://\(host)" : "\(scheme)://\(host):\(port!)"
    }

    static func isLocalhost(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost")
    }

    static func isWildcardAddress(_ host: String) -> Bool {
        host == "0.0.0.0" || host == "[::]" || host == "*" || host.isEmpty
    }

    static func isIPLiteral(_ host: String) -> Bool {
        let bytes = host.utf8
        if bytes.first == UInt8(ascii: "[") {
            guard bytes.count > 2, bytes.last == UInt8(ascii: "]") else { return false }
            return bytes.dropFirst().dropLast().allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
                    || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
            }
        }
        // Dotted-quad IPv4: four parts of 1 to 3 digits, each at most 255.
        var parts = 0
        var digits = 0
        var value = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                digits = 0
                value = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            } else {
                return false
            }
        }
        return parts == 3 && digits > 0
    }

    static func isLoopbackAddress(_ host: String) -> Bool {
        host == "[::1]" || (isIPLiteral(host) && host.hasPrefix("127."))
    }
}

/// The port the server listens on, set once it is bound (a configured port is known from the start; port 0 is
/// learnt when the listener opens).
public final class ListeningPort: Sendable {
    private let storage: Atomic<Int>

    /// Creates the holder with the configured port (0 while unknown).
    public init(_ port: Int = 0) {
        self.storage = Atomic(port)
    }

    /// The port, or 0 before the listener is bound.
    public var value: Int { storage.load(ordering: .acquiring) }

    /// Records the bound port.
    public func set(_ port: Int) {
        storage.store(port, ordering: .releasing)
    }
}
