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
        if acceptsAnyHost || Self.isIPLiteral(host) || Self.isLocalhost(host) || exactHosts.contains(host) { return true }
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

    /// The host part of `host[:port]` or `[v6]:port`, normalised; `nil` when malformed.
    static func host(ofAuthority authority: String) -> String? {
        guard !authority.isEmpty, authority.utf8.count <= 300,
            authority.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && $0 != "/" && $0 != "@" })
        else { return nil }
        var host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && Int(rest.dropFirst()) != nil) else { return nil }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let first = parts.first, !first.isEmpty else { return nil }
            if parts.count == 2 { guard Int(parts[1]) != nil else { return nil } }
            host = first
        }
        return normalisedHost(String(host))
    }

    static func port(ofAuthority authority: String) -> Int? {
        let tail = authority.hasPrefix("[") ? authority.split(separator: "]", maxSplits: 1).dropFirst().first.map(String.init) ?? "" : authority
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
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let inner = host.dropFirst().dropLast()
            return !inner.isEmpty && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
        }
    }

    static func isLoopbackAddress(_ host: String) -> Bool {
        host == "[::1]" || (isIPLiteral(host) && host.hasPrefix("127."))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
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
