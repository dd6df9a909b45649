import NIOCore
import NIOSSL

extension RedisConnection.TLS {
    /// What one connection needs to speak TLS: the NIOSSL context, the SNI name, and the identity to check.
    struct Prepared: Sendable {
        var context: NIOSSLContext
        /// Sent with SNI; `nil` when the server name is an IP address (SNI carries DNS names only).
        var sniHostname: String?
        /// The name the server's certificate must be valid for; `nil` when
        /// ``Verification/insecureAcceptAnyCertificate`` checks nothing.
        var identity: RedisServerIdentity?
        /// The server name, for messages.
        var serverName: String
    }

    /// Reads the certificates and builds the NIOSSL context for a connection to `host`.
    /// - Throws: ``RedisError`` with code ``RedisError/Code/invalidConfiguration`` when a certificate or key cannot
    ///   be read, or the server name cannot be used.
    func prepare(host: String) throws(RedisError) -> Prepared {
        var name = serverName ?? host
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        guard !name.isEmpty, name.utf8.count <= 255, !name.utf8.contains(0) else {
            throw RedisError(code: .invalidConfiguration, message: "the TLS server name must be 1 to 255 bytes")
        }
        let identity = RedisServerIdentity(serverName: name)

        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch verification.base {
        case .full:
            // NIOSSL checks the chain; the name is checked by `RedisServerIdentity` once the handshake is done,
            // because NIOSSL would also accept a certificate for the peer's IP address whatever the name.
            configuration.certificateVerification = .noHostnameVerification
        case .none:
            configuration.certificateVerification = .none
        }
        switch trustRoots.base {
        case .system:
            configuration.trustRoots = .default
        case .pemFile(let path):
            configuration.trustRoots = .certificates(
                try Self.certificates(what: "the CA certificates", from: path) {
                    try NIOSSLCertificate.fromPEMFile(path)
                }
            )
        case .pem(let bytes):
            configuration.trustRoots = .certificates(
                try Self.certificates(what: "the CA certificates", from: nil) {
                    try NIOSSLCertificate.fromPEMBytes(bytes)
                }
            )
        }
        if let clientCertificate {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            switch clientCertificate.base {
            case .pemFiles(let chainPath, let keyPath):
                chain = try Self.certificates(what: "the client certificate", from: chainPath) {
                    try NIOSSLCertificate.fromPEMFile(chainPath)
                }
                key = try Self.privateKey(from: keyPath) { try NIOSSLPrivateKey(file: keyPath, format: .pem) }
            case .pem(let chainBytes, let keyBytes):
                chain = try Self.certificates(what: "the client certificate", from: nil) {
                    try NIOSSLCertificate.fromPEMBytes(chainBytes)
                }
                key = try Self.privateKey(from: nil) { try NIOSSLPrivateKey(bytes: keyBytes, format: .pem) }
            }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw RedisError(
                code: .invalidConfiguration,
                message: "the TLS settings were refused (does the private key belong to the client certificate?)",
                underlying: error
            )
        }
        return Prepared(
            context: context,
            sniHostname: identity.isIPAddress ? nil : name,
            identity: verification == .full ? identity : nil,
            serverName: name
        )
    }

    private static func certificates(
        what: String,
        from path: String?,
        _ load: () throws -> [NIOSSLCertificate]
    ) throws(RedisError) -> [NIOSSLCertificate] {
        let source = path.map { " from \($0)" } ?? ""
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try load()
        } catch {
            throw RedisError(
                code: .invalidConfiguration,
                message: "could not read \(what) (PEM)\(source)",
                underlying: error
            )
        }
        guard !certificates.isEmpty else {
            throw RedisError(code: .invalidConfiguration, message: "no PEM certificate in \(what)\(source)")
        }
        return certificates
    }

    private static func privateKey(
        from path: String?,
        _ load: () throws -> NIOSSLPrivateKey
    ) throws(RedisError) -> NIOSSLPrivateKey {
        do {
            return try load()
        } catch {
            // The underlying error is left out: it is about key material.
            let source = path.map { " from \($0)" } ?? ""
            throw RedisError(
                code: .invalidConfiguration,
                message: "could not read the client's private key (unencrypted PEM)\(source)"
            )
        }
    }
}
