import NIOCore
import SwiftASN1
import X509

/// The name a server's certificate must be valid for, and the check (RFC 6125, strictly).
///
/// - A DNS name matches a DNS subjectAltName exactly (ASCII case and a trailing dot ignored), or a wildcard
///   `*.rest` whose `rest` has at least two labels, covering exactly one leftmost label (`*.example.com` covers
///   `a.example.com`, not `example.com` nor `a.b.example.com`). Partial wildcards (`f*.example.com`) never match.
/// - An IP address matches an IP subjectAltName with the same address, never a DNS name.
/// - The subject's common name is never consulted (deprecated since RFC 2818; public CAs always set SANs).
struct RedisServerIdentity: Sendable {
    private enum Name: Sendable {
        case dns(String)
        case ip(SocketAddress)
    }
    private let name: Name

    init(serverName: String) {
        if let address = try? SocketAddress(ipAddress: serverName, port: 0) {
            name = .ip(address)
        } else {
            name = .dns(Self.normalized(serverName))
        }
    }

    /// Whether the name is an IP address (which SNI cannot carry).
    var isIPAddress: Bool {
        if case .ip = name { return true }
        return false
    }

    /// Why the DER-encoded certificate is not valid for the name, or `nil` when it is.
    func mismatch(certificateDER: [UInt8]) -> String? {
        let names: SubjectAlternativeNames
        do {
            let certificate = try Certificate(derEncoded: certificateDER)
            guard let subjectAlternativeNames = try certificate.extensions.subjectAlternativeNames else {
                return "the certificate has no subjectAltName extension"
            }
            names = subjectAlternativeNames
        } catch {
            return "the certificate's subjectAltName could not be read"
        }
        for candidate in names {
            switch (name, candidate) {
            case (.dns(let expected), .dnsName(let dnsName)):
                if Self.matches(expected, pattern: Self.normalized(dnsName)) { return nil }
            case (.ip(let expected), .ipAddress(let bytes)):
                let address = try? SocketAddress(packedIPAddress: ByteBuffer(bytes: bytes.bytes), port: 0)
                if address == expected { return nil }
            default:
                continue
            }
        }
        switch name {
        case .dns: return "none of the certificate's DNS names matches"
        case .ip: return "none of the certificate's IP addresses matches"
        }
    }

    private static func normalized(_ name: String) -> String {
        let lowered = String(decoding: name.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }

    private static func matches(_ name: String, pattern: String) -> Bool {
        guard !name.isEmpty, !pattern.isEmpty else { return false }
        guard pattern.hasPrefix("*.") else { return !pattern.contains("*") && name == pattern }
        let suffix = pattern.dropFirst(2)
        guard suffix.contains("."), !suffix.contains("*"), let dot = name.firstIndex(of: ".") else { return false }
        return dot != name.startIndex && name[name.index(after: dot)...] == suffix
    }
}
