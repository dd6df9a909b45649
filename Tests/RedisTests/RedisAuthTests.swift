import Logging
import Platform
import Redis
import TestSupport
import Testing

@Suite(
    "Redis authentication against a redis-server with requirepass",
    .enabled(if: TestServers.shouldRun(tools: "redis-server"), "needs redis-server: run scripts/test")
)
struct RedisAuthTests {
    static let password = "s3cret-Pa55word"

    func connect(_ server: RedisTestServer, _ configure: (inout RedisConnection.Configuration) -> Void) async throws {
        var configuration = RedisConnection.Configuration(port: server.port)
        configure(&configuration)
        try await RedisConnection.withConnection(configuration: configuration, logger: .test) { redis in
            let pong = try await redis.ping()
            #expect(pong == "PONG")
        }
    }

    @Test("good passwords connect; bad ones fail with the server's code and never show the password")
    func passwords() async throws {
        let server = try await RedisTestServer.start(["--requirepass", Self.password])
        defer { Task { await server.stop() } }

        for version in [RedisConnection.ProtocolVersion.resp3, .resp2] {
            try await connect(server) {
                $0.password = Self.password
                $0.protocolVersion = version
            }
            let wrong = "wrong-\(Self.password)-guess"
            let error = await #expect(throws: RedisError.self, "\(version)") {
                try await connect(server) {
                    $0.password = wrong
                    $0.protocolVersion = version
                }
            }
            #expect(error?.code == .serverError)
            #expect(error?.serverCode == "WRONGPASS")
            let text = error.map { "\($0) \($0.message) \(String(describing: $0.reply))" } ?? ""
            #expect(!text.contains(wrong))
            #expect(!text.contains(Self.password))

            let missing = await #expect(throws: RedisError.self) {
                try await connect(server) { $0.protocolVersion = version }
            }
            #expect(missing?.serverCode == "NOAUTH")
        }
    }

    @Test("ACL users authenticate with user and password")
    func aclUser() async throws {
        let server = try await RedisTestServer.start(["--requirepass", Self.password])
        defer { Task { await server.stop() } }
        var admin = RedisConnection.Configuration(port: server.port)
        admin.password = Self.password
        try await RedisConnection.withConnection(configuration: admin, logger: .test) { redis in
            try await redis.send(["ACL", "SETUSER", "alice", "on", ">alice-Pa55", "~*", "+@all"])
        }
        for version in [RedisConnection.ProtocolVersion.resp3, .resp2] {
            try await connect(server) {
                $0.username = "alice"
                $0.password = "alice-Pa55"
                $0.protocolVersion = version
            }
            try await RedisConnection.withConnection(
                configuration: .init(url: "redis://alice:alice-Pa55@127.0.0.1:\(server.port)"),
                logger: .test
            ) { redis in
                let user = try await redis.send(["ACL", "WHOAMI"]).string
                #expect(user == "alice")
            }
            let error = await #expect(throws: RedisError.self) {
                try await connect(server) {
                    $0.username = "alice"
                    $0.password = "not-alice-Pa55"
                    $0.protocolVersion = version
                }
            }
            #expect(error?.serverCode == "WRONGPASS")
            #expect(error.map { !"\($0)".contains("not-alice-Pa55") } == true)
        }
    }
}
