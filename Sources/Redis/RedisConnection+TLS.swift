extension RedisConnection {
    /// How a connection speaks TLS: whom it trusts, who it is, and which name the server's certificate must carry.
    ///
    /// The defaults verify fully: the server's certificate chain must lead to one of ``trustRoots`` (the system's
    /// CA store unless set) and the certificate must be valid for ``serverName`` (the configuration's host unless
    /// set). A DNS name is matched against the certificate's DNS subjectAltNames (a `*.` wildcard covers exactly
    /// one label); an IP address only against its IP subjectAltNames. The common name is never used.
    ///
    /// ```swift
    /// var configuration = RedisConnection.Configuration(host: "cache.internal", port: 6380)
    /// configuration.tls = RedisConnection.TLS(
    ///     trustRoots: .pemFile("/etc/redis/ca.crt"),
    ///     clientCertificate: .pemFiles(certificateChain: "/etc/redis/client.crt", privateKey: "/etc/redis/client.key")
    /// )
    /// ```
    ///
    /// Certificates and keys are read when a connection is opened, so replaced files take effect on the next
    /// connection. Private keys must be unencrypted PEM.
    public struct TLS: Hashable, Sendable, CustomStringConvertible {
        /// The certificate authorities the server's certificate must chain to.
        public var trustRoots: TrustRoots
        /// The certificate (and key) this client presents, for servers that require one (`tls-auth-clients yes`).
        public var clientCertificate: ClientCertificate?
        /// The name sent with SNI (when it is a DNS name) and required in the server's certificate; the
        /// configuration's ``Configuration/host`` when `nil`.
        public var serverName: String?
        /// Whether the server's certificate is checked at all.
        public var verification: Verification

        /// Creates TLS settings; the defaults trust the system's CAs, present no client certificate and verify
        /// the server's certificate against the host name.
        public init(
            trustRoots: TrustRoots = .system,
            clientCertificate: ClientCertificate? = nil,
            serverName: String? = nil,
            verification: Verification = .full
        ) {
            self.trustRoots = trustRoots
            self.clientCertificate = clientCertificate
            self.serverName = serverName
            self.verification = verification
        }

        /// The settings, without any key material: `TLS(trust: …, client certificate: …, server name: …, …)`.
        public var description: String {
            var parts = ["trust: \(trustRoots)"]
            if let clientCertificate { parts.append("client certificate: \(clientCertificate)") }
            if let serverName { parts.append("server name: \(serverName)") }
            parts.append("verification: \(verification)")
            return "TLS(\(parts.joined(separator: ", ")))"
        }
    }
}

extension RedisConnection.TLS {
    /// Where the trusted certificate authorities come from.
    public struct TrustRoots: Hashable, Sendable, CustomStringConvertible {
        enum Base: Hashable, Sendable {
            case system
            case pemFile(String)
            case pem([UInt8])
        }
        let base: Base

        /// The operating system's CA store.
        public static let system = TrustRoots(base: .system)

        /// The CA certificates in a PEM file (one or more `BEGIN CERTIFICATE` blocks), instead of the system's.
        public static func pemFile(_ path: String) -> TrustRoots { TrustRoots(base: .pemFile(path)) }

        /// The CA certificates in PEM bytes (one or more `BEGIN CERTIFICATE` blocks), instead of the system's.
        public static func pem(_ bytes: [UInt8]) -> TrustRoots { TrustRoots(base: .pem(bytes)) }

        /// The CA certificates in PEM text, instead of the system's.
        public static func pem(_ text: String) -> TrustRoots { TrustRoots(base: .pem(Array(text.utf8))) }

        /// `system`, the file's path, or `PEM (n bytes)`.
        public var description: String {
            switch base {
            case .system: "system"
            case .pemFile(let path): path
            case .pem(let bytes): "PEM (\(bytes.count) bytes)"
            }
        }
    }

    /// A client certificate chain and its private key, for mutual TLS.
    ///
    /// Its ``description`` names files or sizes, never the key.
    public struct ClientCertificate: Hashable, Sendable, CustomStringConvertible {
        enum Base: Hashable, Sendable {
            case pemFiles(certificateChain: String, privateKey: String)
            case pem(certificateChain: [UInt8], privateKey: [UInt8])
        }
        let base: Base

        /// A PEM file holding the certificate chain (the client's certificate first) and a PEM file holding its
        /// unencrypted private key.
        public static func pemFiles(certificateChain: String, privateKey: String) -> ClientCertificate {
            ClientCertificate(base: .pemFiles(certificateChain: certificateChain, privateKey: privateKey))
        }

        /// PEM bytes of the certificate chain (the client's certificate first) and of its unencrypted private key.
        public static func pem(certificateChain: [UInt8], privateKey: [UInt8]) -> ClientCertificate {
            ClientCertificate(base: .pem(certificateChain: certificateChain, privateKey: privateKey))
        }

        /// The certificate file's path, or `PEM (n bytes)`; never the key.
        public var description: String {
            switch base {
            case .pemFiles(let chain, _): chain
            case .pem(let chain, _): "PEM (\(chain.count) bytes)"
            }
        }
    }

    /// How much of the server's certificate is checked.
    public struct Verification: Hashable, Sendable, CustomStringConvertible {
        enum Base: Hashable, Sendable {
            case full
            case none
        }
        let base: Base

        /// The chain must lead to a trusted CA, be in its validity period, and the leaf must be valid for the
        /// server name. The default.
        public static let full = Verification(base: .full)

        /// No check at all: any certificate, from anyone, is accepted. The traffic is encrypted but an attacker on
        /// the path can read and change it. Only for throwaway test servers.
        public static let insecureAcceptAnyCertificate = Verification(base: .none)

        /// `full` or `insecureAcceptAnyCertificate`.
        public var description: String { base == .full ? "full" : "insecureAcceptAnyCertificate" }
    }
}
