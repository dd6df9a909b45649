import NIOCore
import Redis
import Testing

@Suite("Redis configuration")
struct RedisConfigurationTests {
    @Test("reads redis:// URLs")
    func url() throws {
        let configuration = try RedisConnection.Configuration(url: "redis://bob:p%40ss@cache.internal:6380/2")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "bob")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == 2)
        let plain = try RedisConnection.Configuration(url: "redis://127.0.0.1")
        #expect(plain.port == 6379)
        #expect(plain.password == nil)
        #expect(plain.database == 0)
        let passwordOnly = try RedisConnection.Configuration(url: "redis://:only-pass@h")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "only-pass")
    }

    @Test("reads rediss:// URLs as TLS with full verification against the system's CAs")
    func tlsURL() throws {
        let configuration = try RedisConnection.Configuration(url: "rediss://bob:p%40ss@cache.internal:6380/2")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "bob")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == 2)
        #expect(configuration.tls == RedisConnection.TLS())
        #expect(configuration.tls?.trustRoots == .system)
        #expect(configuration.tls?.verification == .full)
        #expect(configuration.tls?.serverName == nil)
        #expect(configuration.tls?.clientCertificate == nil)
        let plain = try RedisConnection.Configuration(url: "REDISS://127.0.0.1")
        #expect(plain.port == 6379)
        #expect(plain.tls != nil)
        #expect(try RedisConnection.Configuration(url: "redis://127.0.0.1").tls == nil)
        #expect(RedisConnection.Configuration().tls == nil)
    }

    @Test("refuses bad URLs without echoing them")
    func badURLs() {
        for url in [
            "http://u:hunter2@h", "redis://u:hunter2@h/x", "redis://u:hunter2@h:0", "rediss://u:hunter2@h/x",
            "rediss://u:hunter2@h:70000", "redi://u:hunter2@h",
        ] {
            let error = #expect(throws: RedisError.self) { try RedisConnection.Configuration(url: url) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error.map { !"\($0)".contains("hunter2") } == true)
        }
    }

    @Test("the description hides the password")
    func description() throws {
        let configuration = try RedisConnection.Configuration(url: "redis://bob:hunter2@h:1/4")
        #expect("\(configuration)" == "redis://bob:***@h:1/4")
        #expect(!String(reflecting: configuration).contains("hunter2"))
        let tls = try RedisConnection.Configuration(url: "rediss://bob:hunter2@h:1/4")
        #expect("\(tls)" == "rediss://bob:***@h:1/4")
        #expect(!String(reflecting: tls).contains("hunter2"))
        #expect("\(try RedisConnection.Configuration(url: "rediss://:hunter2@h"))" == "rediss://:***@h:6379/0")
    }

    @Test("TLS settings describe themselves without key material")
    func tlsDescription() {
        let key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"
        let tls = RedisConnection.TLS(
            trustRoots: .pemFile("/etc/redis/ca.crt"),
            clientCertificate: .pem(certificateChain: Array("chain".utf8), privateKey: Array(key.utf8)),
            serverName: "cache.internal"
        )
        #expect(
            "\(tls)"
                == "TLS(trust: /etc/redis/ca.crt, client certificate: PEM (5 bytes), server name: cache.internal, "
                + "verification: full)"
        )
        #expect(!String(reflecting: tls).contains("c2VjcmV0"))
        let files = RedisConnection.TLS.ClientCertificate.pemFiles(certificateChain: "/c.crt", privateKey: "/c.key")
        #expect("\(files)" == "/c.crt")
        #expect("\(RedisConnection.TLS.Verification.insecureAcceptAnyCertificate)" == "insecureAcceptAnyCertificate")
    }

    @Test("commands describe themselves by name only and encode as arrays of bulk strings")
    func command() {
        var command = RedisCommand("auth", "user", "hunter2")
        command.append(42)
        #expect("\(command)" == "AUTH (3 arguments)")
        var bytes = ByteBuffer()
        command.encode(into: &bytes)
        #expect(String(buffer: bytes) == "*4\r\n$4\r\nauth\r\n$4\r\nuser\r\n$7\r\nhunter2\r\n$2\r\n42\r\n")
        #expect(bytes.readableBytes == command.encodedLength)
        let binary = RedisCommand(arguments: [ByteBuffer(string: "SET"), ByteBuffer(bytes: [0, 13, 10, 255])])
        var encoded = ByteBuffer()
        binary.encode(into: &encoded)
        #expect(Array(encoded.readableBytesView) == Array("*2\r\n$3\r\nSET\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10])
    }

    @Test("error replies split their code from their message")
    func errorReply() {
        let reply = RESPValue.ErrorReply(parsing: "MOVED 3999 127.0.0.1:6381")
        #expect(reply.code == "MOVED")
        #expect(reply.message == "3999 127.0.0.1:6381")
        #expect(RESPValue.ErrorReply(parsing: "ERR").code == "ERR")
        #expect(RESPValue.ErrorReply(parsing: "user_script:1: oops").code == nil)
    }
}
