import Foundation
import NIOSSL

extension RedisError {
    /// Whether `error` comes from TLS (NIOSSL/BoringSSL) rather than from the socket.
    static func isTLSError(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }

    /// Whether `error` is NIOSSL's report of a TCP close without a TLS `close_notify` (a server that went away).
    static func isUncleanTLSShutdown(_ error: any Error) -> Bool {
        error as? NIOSSLError == .uncleanShutdown
    }

    /// A TLS failure as a ``Code/connectionFailed`` error whose message says that it was TLS, what most likely went
    /// wrong in words, and the TLS library's reason codes (such as `CERTIFICATE_VERIFY_FAILED`).
    /// - Parameters:
    ///   - error: The NIOSSL error.
    ///   - address: `host:port`, when known.
    ///   - duringHandshake: Whether the handshake was still going on.
    static func tls(_ error: any Error, address: String?, duringHandshake: Bool) -> RedisError {
        let reasons = tlsReasons(error)
        let has = { (needle: String) in reasons.contains { $0.contains(needle) } }
        let explanation: String
        if has("CERTIFICATE_VERIFY_FAILED") {
            explanation =
                "certificate verification failed: the server's certificate does not chain to a trusted CA "
                + "(see TLS.trustRoots), has expired, or is otherwise invalid"
        } else if has("CERTIFICATE_REQUIRED") {
            explanation = "the server requires a client certificate (see TLS.clientCertificate)"
        } else if has("ALERT_BAD_CERTIFICATE") || has("ALERT_UNKNOWN_CA") || has("ALERT_CERTIFICATE_UNKNOWN") {
            explanation = "the server refused our client certificate"
        } else if has("WRONG_VERSION_NUMBER") || has("PACKET_LENGTH_TOO_LONG") || has("HTTP_REQUEST") {
            explanation = "the server did not answer with TLS (is this port a TLS port?)"
        } else if has("EOF during") {
            explanation = "the server closed the connection during the TLS handshake"
        } else {
            explanation = "TLS failure"
        }
        let codes = reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"
        let target = address.map { " with \($0)" } ?? ""
        let step = duringHandshake ? "TLS handshake\(target) failed" : "TLS error on the connection\(target)"
        return RedisError(code: .connectionFailed, message: "\(step): \(explanation)\(codes)", underlying: error)
    }

    /// The short reason codes in a NIOSSL error (`CERTIFICATE_VERIFY_FAILED`), without BoringSSL's file paths.
    private static func tlsReasons(_ error: any Error) -> [String] {
        let boringSSLError: BoringSSLError
        switch error {
        case NIOSSLError.handshakeFailed(let underlying), NIOSSLError.shutdownFailed(let underlying):
            boringSSLError = underlying
        case let underlying as BoringSSLError:
            boringSSLError = underlying
        case let error as NIOSSLError:
            return ["\(error)"]
        case let error as NIOSSLExtraError:
            return ["\(error)"]
        default:
            return []
        }
        let stack: [BoringSSLInternalError]
        switch boringSSLError {
        case .sslError(let errors), .unknownError(let errors), .invalidSNIName(let errors),
            .failedToSetALPN(let errors):
            stack = errors
        default:
            return ["\(boringSSLError)"]
        }
        return stack.map { entry in
            // "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /path:1"
            var text = Substring("\(entry)")
            if let reason = text.range(of: "OPENSSL_internal:") { text = text[reason.upperBound...] }
            if let path = text.range(of: " at ") { text = text[..<path.lowerBound] }
            if text.hasPrefix("Error: ") { text = text.dropFirst("Error: ".count) }
            return text.trimmingCharacters(in: .whitespaces)
        }
    }
}
