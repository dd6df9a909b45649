import NIOCore
import Testing

@testable import Redis

@Suite("Redis Sentinel: configuration, replies and error classification (no I/O)")
struct RedisSentinelConfigurationTests {
    let sentinels = [RedisSentinel.Address(host: "10.0.0.1", port: 26379), .init(host: "::1", port: 26380)]

    @Test("validation names the field at fault")
    func validation() throws {
        try RedisSentinel.Configuration(sentinels: sentinels, primaryName: "mymaster").validate()
        let invalid: [(RedisSentinel.Configuration, String)] = [
            (.init(sentinels: [], primaryName: "mymaster"), "sentinels:"),
            (.init(sentinels: [.init(host: "h", port: 0)], primaryName: "mymaster"), "sentinels: h:0"),
            (.init(sentinels: [.init(host: "", port: 1)], primaryName: "mymaster"), "sentinels:"),
            (.init(sentinels: sentinels, primaryName: ""), "primaryName:"),
            (.init(sentinels: sentinels, primaryName: "my master"), "primaryName:"),
            (.init(sentinels: sentinels, primaryName: "m", timeout: .zero), "timeout:"),
            (.init(sentinels: sentinels, primaryName: "m", healthCheckInterval: .seconds(-1)), "healthCheckInterval:"),
        ]
        for (configuration, field) in invalid {
            let error = #expect(throws: RedisError.self) { try configuration.validate() }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.message.hasPrefix(field) == true, "\(String(describing: error))")
            #expect(throws: RedisError.self) { try RedisSentinel(configuration: configuration, logger: .test) }
        }
        let sentinel = try RedisSentinel(configuration: .init(sentinels: sentinels, primaryName: "m"), logger: .test)
        #expect(throws: RedisError.self) {
            try sentinel.primaryChanges(backoff: RedisBackoff(initialDelay: .zero, maximumDelay: .seconds(1)))
        }
    }

    @Test("the description shows sentinels and user but never the password")
    func description() {
        let password = "sentinel-Pa55word"
        let configuration = RedisSentinel.Configuration(
            sentinels: sentinels,
            primaryName: "mymaster",
            username: "watcher",
            password: password
        )
        #expect("\(configuration)" == "redis-sentinel://watcher:***@10.0.0.1:26379,[::1]:26380/mymaster")
        #expect(!"\(configuration.connection(to: sentinels[0]))".contains(password))
    }

    @Test("a SENTINEL get-master-addr-by-name reply is an address, null for an unknown name, or an error")
    func addressReplies() throws {
        let reply = RESPValue.array([
            .bulkString(ByteBuffer(string: "10.0.0.5")), .bulkString(ByteBuffer(string: "6380")),
        ])
        #expect(try RedisSentinel.primaryAddress(from: reply) == .init(host: "10.0.0.5", port: 6380))
        #expect(try RedisSentinel.primaryAddress(from: .nullArray) == nil)
        #expect(try RedisSentinel.primaryAddress(from: .null) == nil)
        for bad: RESPValue in [
            .array([.bulkString(ByteBuffer(string: "h"))]),
            .array([.bulkString(ByteBuffer(string: "h")), .bulkString(ByteBuffer(string: "70000"))]),
            .array([.bulkString(ByteBuffer(string: "")), .bulkString(ByteBuffer(string: "1"))]),
            .simpleString("OK"),
        ] {
            let error = #expect(throws: RedisError.self) { try RedisSentinel.primaryAddress(from: bad) }
            #expect(error?.code == .unexpectedReply)
        }
    }

    @Test("+switch-master payloads are read; others are refused")
    func switchMasterPayloads() {
        let change = RedisSentinel.PrimaryChange.switchMaster(payload: "mymaster 127.0.0.1 6379 10.0.0.2 6380")
        #expect(
            change
                == .init(
                    primaryName: "mymaster",
                    previous: .init(host: "127.0.0.1", port: 6379),
                    current: .init(host: "10.0.0.2", port: 6380),
                    cause: .switchMaster
                )
        )
        #expect(change?.description == "mymaster: 127.0.0.1:6379 -> 10.0.0.2:6380 (switchMaster)")
        for bad in ["", "mymaster 127.0.0.1 6379 10.0.0.2", "mymaster a b c d", "m h 1 h 0", "m h 1 h 2 extra"] {
            #expect(RedisSentinel.PrimaryChange.switchMaster(payload: bad) == nil, "\(bad)")
        }
    }

    @Test(
        "READONLY, role-change UNBLOCKED and notPrimary mean the primary is lost; MOVED and ASK say Cluster is unsupported"
    )
    func classification() {
        func server(_ text: String) -> RedisError {
            RedisError.server(RESPValue.ErrorReply(parsing: text), command: "SET")
        }
        #expect(server("READONLY You can't write against a read only replica.").isPrimaryLost)
        #expect(
            server("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)")
                .isPrimaryLost
        )
        #expect(!server("UNBLOCKED client unblocked via CLIENT UNBLOCK").isPrimaryLost)
        #expect(RedisError(code: .notPrimary, message: "x").isPrimaryLost)
        #expect(!RedisError(code: .connectionClosed, message: "x").isPrimaryLost)
        #expect(!server("ERR wrong number of arguments").isPrimaryLost)

        for text in ["MOVED 3999 127.0.0.1:6381", "ASK 3999 127.0.0.1:6381"] {
            let error = server(text)
            #expect(error.code == .serverError)
            #expect(error.isClusterRedirection)
            #expect(!error.isPrimaryLost)
            #expect(error.serverCode == String(text.prefix(while: { $0 != " " })))
            #expect(error.message.hasPrefix("SET: \(text): "))
            #expect(error.message.hasSuffix("Redis Cluster is not supported yet"))
        }
        #expect(!server("READONLY x").isClusterRedirection)
    }
}
