import Foundation
import NIOCore
import Platform
import Redis
import TestSupport
import Testing

@Suite(
    "Redis over TLS against a redis-server of its own that speaks only TLS",
    .enabled(if: TestServers.shouldRun(tools: "redis-server", "openssl"), "needs redis-server and openssl"),
    // One at a time: each test runs a dozen openssl processes and a redis-server on a shared, busy machine.
    .serialized
)
struct RedisTLSTests {
    /// Makes certificates and starts a TLS-only redis-server; stops and deletes them afterwards, also on failure.
    func withTLSServer(
        authClients: String = "optional",
        _ body: (TestCertificates, RedisTestServer) async throws -> Void
    ) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let server = try await RedisTestServer.startTLS(certificates: certificates, authClients: authClients)
        do {
            try await body(certificates, server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// A configuration for the test server that trusts the test CA.
    func configuration(
        _ server: RedisTestServer,
        _ certificates: TestCertificates,
        _ configure: (inout RedisConnection.Configuration) -> Void = { _ in }
    ) -> RedisConnection.Configuration {
        var configuration = RedisConnection.Configuration(port: server.port, connectTimeout: .seconds(10))
        configuration.tls = RedisConnection.TLS(trustRoots: .pemFile(certificates.ca))
        configure(&configuration)
        return configuration
    }

    /// Connects and pings; returns the error, recording an issue when there is none.
    func connectionError(_ configuration: RedisConnection.Configuration) async -> RedisError? {
        await #expect(throws: RedisError.self) {
            try await RedisConnection.withConnection(configuration: configuration, logger: .test) {
                (redis: RedisConnection) async throws in
                _ = try await redis.ping()
            }
        }
    }

    @Test("PING, SET, GET, a 1 MiB value and a pipeline round-trip over TLS, on RESP3 and RESP2")
    func roundTrip() async throws {
        try await withTLSServer { certificates, server in
            for version in [RedisConnection.ProtocolVersion.resp3, .resp2] {
                let tlsConfiguration = configuration(server, certificates) { $0.protocolVersion = version }
                try await RedisConnection.withConnection(configuration: tlsConfiguration, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(redis.protocolVersion == version)
                    #expect(try await redis.ping() == "PONG")
                    #expect(try await redis.set("greeting", to: "hello over TLS"))
                    #expect(try await redis.getString("greeting") == "hello over TLS")

                    var value = ByteBuffer()
                    var random = SeededGenerator(seed: 1)
                    for _ in 0..<(1024 * 1024 / 8) { value.writeInteger(random.next()) }
                    try await redis.set("large", to: value)
                    let read = try #require(try await redis.get("large"))
                    #expect(read.readableBytes == 1024 * 1024)
                    #expect(read == value)

                    let results = await redis.pipeline(
                        (0..<1_000).map { _ in RedisCommand("INCR", "counter-\(version)") }
                    )
                    #expect((try? results.last?.get()) == .integer(1_000))
                }
            }
        }
    }

    @Test("rediss:// URLs, PEM bytes as trust roots, and the DNS name in the certificate as the server name")
    func urlsAndServerNames() async throws {
        try await withTLSServer { certificates, server in
            var fromURL = try RedisConnection.Configuration(url: "rediss://127.0.0.1:\(server.port)/2")
            fromURL.tls?.trustRoots = .pemFile(certificates.ca)
            #expect("\(fromURL)" == "rediss://127.0.0.1:\(server.port)/2")
            try await RedisConnection.withConnection(configuration: fromURL, logger: .test) {
                (redis: RedisConnection) async throws in
                let info = try await redis.send(["CLIENT", "INFO"]).string ?? ""
                #expect(info.contains(" db=2 "))
            }
            let pem = try String(contentsOfFile: certificates.ca, encoding: .utf8)
            for serverName in ["localhost", "LOCALHOST.", "127.0.0.1", "cache.redis.test", "Cache.Redis.Test."] {
                let named = configuration(server, certificates) {
                    $0.tls = RedisConnection.TLS(trustRoots: .pem(pem), serverName: serverName)
                }
                try await RedisConnection.withConnection(configuration: named, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(try await redis.ping() == "PONG", "server name \(serverName)")
                }
            }
        }
    }

    @Test("a certificate from a CA that is not trusted fails with connectionFailed, saying it was verification")
    func untrustedCertificate() async throws {
        try await withTLSServer { certificates, server in
            // rediss:// trusts the system's CAs, which never signed the test CA; then a CA of our own that did not.
            let systemRoots = try RedisConnection.Configuration(url: "rediss://127.0.0.1:\(server.port)")
            let otherCA = configuration(server, certificates) { $0.tls?.trustRoots = .pemFile(certificates.otherCA) }
            for untrusted in [systemRoots, otherCA] {
                let error = await connectionError(untrusted)
                #expect(error?.code == .connectionFailed)
                #expect(error?.message.contains("TLS handshake with 127.0.0.1:\(server.port) failed") == true)
                #expect(
                    error?.message.contains("certificate verification failed") == true,
                    "\(String(describing: error))"
                )
                #expect(error?.message.contains("CERTIFICATE_VERIFY_FAILED") == true)
            }
        }
    }

    @Test("a certificate must be valid for the server name: DNS names against DNS SANs, IPs against IP SANs")
    func wrongServerName() async throws {
        try await withTLSServer { certificates, server in
            // The certificate names IP:127.0.0.1, DNS:localhost and DNS:*.redis.test; the connection goes to
            // 127.0.0.1 each time, so an IP address match alone would let every one of these through.
            let wrongNames = [
                "wrong.example", "localhost.example", "127.0.0.2", "::1", "redis.test", "a.cache.redis.test",
                "cacheredis.test",
            ]
            for serverName in wrongNames {
                let wrong = configuration(server, certificates) { $0.tls?.serverName = serverName }
                let error = await connectionError(wrong)
                #expect(error?.code == .connectionFailed, "\(serverName)")
                #expect(error?.message.contains("TLS certificate verification failed") == true, "\(serverName)")
                #expect(error?.message.contains("not valid for the server name \(serverName)") == true, "\(serverName)")
            }
            // Only the explicitly insecure option skips every check.
            let insecure = configuration(server, certificates) {
                $0.tls = RedisConnection.TLS(
                    trustRoots: .pemFile(certificates.otherCA),
                    serverName: "wrong.example",
                    verification: .insecureAcceptAnyCertificate
                )
            }
            try await RedisConnection.withConnection(configuration: insecure, logger: .test) {
                (redis: RedisConnection) async throws in
                #expect(try await redis.ping() == "PONG")
            }
        }
    }

    @Test("mutual TLS: the client certificate is accepted, a missing or foreign one refused")
    func mutualTLS() async throws {
        try await withTLSServer(authClients: "yes") { certificates, server in
            let fromFiles = configuration(server, certificates) {
                $0.tls?.clientCertificate = .pemFiles(
                    certificateChain: certificates.clientCertificate,
                    privateKey: certificates.clientKey
                )
            }
            let chain = Array(try Data(contentsOf: URL(fileURLWithPath: certificates.clientCertificate)))
            let key = Array(try Data(contentsOf: URL(fileURLWithPath: certificates.clientKey)))
            let fromBytes = configuration(server, certificates) {
                $0.tls?.clientCertificate = .pem(certificateChain: chain, privateKey: key)
            }
            for accepted in [fromFiles, fromBytes] {
                try await RedisConnection.withConnection(configuration: accepted, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(try await redis.ping() == "PONG")
                }
            }

            // With TLS 1.3 the server judges the client's certificate after the client has finished its side of
            // the handshake: the refusal (an alert) reaches the client while it sets the connection up.
            let missing = await connectionError(configuration(server, certificates))
            #expect(missing?.code == .connectionFailed, "\(String(describing: missing))")
            #expect(missing?.message.contains("the server requires a client certificate") == true)
            let rogue = configuration(server, certificates) {
                $0.tls?.clientCertificate = .pemFiles(
                    certificateChain: certificates.rogueClientCertificate,
                    privateKey: certificates.rogueClientKey
                )
            }
            let refused = await connectionError(rogue)
            #expect(refused?.code == .connectionFailed, "\(String(describing: refused))")
            #expect(refused?.message.contains("the server refused our client certificate") == true)
        }
    }

    @Test("TLS against a server that does not speak TLS, and plain TCP against a TLS port, fail without hanging")
    func protocolMismatch() async throws {
        // A fake server that answers the ClientHello like a plain Redis would answer garbage. Waiting for more
        // would end in the connect timeout, with another message.
        let fake = try await FakeRedisServer.start(.reply("-ERR unknown command\r\n"))
        defer { Task { await fake.stop() } }
        var toPlain = RedisConnection.Configuration(port: fake.port, connectTimeout: .seconds(30))
        toPlain.tls = RedisConnection.TLS(verification: .insecureAcceptAnyCertificate)
        let notTLS = await connectionError(toPlain)
        #expect(notTLS?.code == .connectionFailed)
        #expect(
            notTLS?.message.contains(
                "TLS handshake with 127.0.0.1:\(fake.port) failed: the server did not answer with TLS"
            )
                == true,
            "\(String(describing: notTLS))"
        )

        // Plain RESP to a TLS port: the server drops the connection; hanging would end in a `timeout`.
        try await withTLSServer { _, server in
            let plain = RedisConnection.Configuration(port: server.port, commandTimeout: .seconds(30))
            let error = await connectionError(plain)
            #expect(
                error?.code == .connectionClosed || error?.code == .connectionFailed,
                "\(String(describing: error))"
            )
        }
    }

    @Test("the connect timeout covers the TLS handshake: a server that never answers fails the connect in time")
    func handshakeTimeout() async throws {
        let silent = try await FakeRedisServer.start(.silent)
        defer { Task { await silent.stop() } }
        var configuration = RedisConnection.Configuration(port: silent.port, connectTimeout: .seconds(1))
        configuration.tls = RedisConnection.TLS(verification: .insecureAcceptAnyCertificate)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await connectionError(configuration)
        #expect(clock.now - start < .seconds(30))  // generous: a missing timeout would hang, not be slow
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("did not finish within the connect timeout (1000 ms)") == true)
        // The TCP connection was up and the ClientHello sent: it was the handshake that timed out, then closed.
        try await waitUntil(timeout: .seconds(60)) { silent.receivedBytes > 0 && silent.closedConnections == 1 }
    }

    @Test("unreadable certificates and keys are invalidConfiguration errors, before any connection")
    func unreadableFiles() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let port = try freePort()  // nothing listens: a connection attempt would be connectionFailed
        let cases: [(RedisConnection.TLS, String)] = [
            (RedisConnection.TLS(trustRoots: .pemFile(certificates.path("missing.crt"))), "missing.crt"),
            (RedisConnection.TLS(trustRoots: .pem("not a certificate")), "CA certificates"),
            (RedisConnection.TLS(trustRoots: .pemFile(certificates.clientKey)), "CA certificates"),
            (
                RedisConnection.TLS(
                    clientCertificate: .pemFiles(
                        certificateChain: certificates.clientCertificate,
                        privateKey: certificates.path("missing.key")
                    )
                ), "private key"
            ),
            (
                RedisConnection.TLS(
                    clientCertificate: .pemFiles(
                        certificateChain: certificates.clientCertificate,
                        privateKey: certificates.rogueClientKey
                    )
                ), "private key"
            ),
            (RedisConnection.TLS(serverName: ""), "server name"),
        ]
        for (tls, mention) in cases {
            var configuration = RedisConnection.Configuration(port: port)
            configuration.tls = tls
            let error = await connectionError(configuration)
            #expect(error?.code == .invalidConfiguration, "\(tls)")
            #expect(error?.message.contains(mention) == true, "\(String(describing: error))")
            #expect(error.map { !"\($0)".contains("PRIVATE KEY") } == true)
        }
    }
}
