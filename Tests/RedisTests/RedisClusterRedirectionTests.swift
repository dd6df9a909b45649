import Foundation
import Platform
import Redis
import TestSupport
import Testing

@Suite(
    "Redis Cluster redirections are a clear error until Cluster is supported",
    .enabled(if: TestServers.shouldRun(tools: "redis-server"), "needs redis-server: run scripts/test"),
    .timeLimit(.minutes(2))
)
struct RedisClusterRedirectionTests {
    @Test("MOVED and ASK from real cluster nodes say that Redis Cluster is not supported yet")
    func redirections() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mastery-cluster-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var nodes: [RedisTestServer] = []
        // The bus defaults to port + 10000, beyond 65535 for most free ports: give it a free port of its own.
        let busPorts = [try freePort(), try freePort()]
        do {
            for index in 0..<2 {
                nodes.append(
                    try await RedisTestServer.start([
                        "--dir", directory.path, "--cluster-enabled", "yes", "--cluster-config-file",
                        directory.appendingPathComponent("nodes-\(index).conf").path,
                        "--cluster-port", "\(busPorts[index])",
                    ])
                )
            }
            try await checkRedirections(nodes[0].port, nodes[1].port, secondBus: busPorts[1])
        } catch {
            for node in nodes { await node.stop() }
            throw error
        }
        for node in nodes { await node.stop() }
    }

    func checkRedirections(_ first: Int, _ second: Int, secondBus: Int) async throws {
        try await send(first, ["CLUSTER", "ADDSLOTSRANGE", "0", "8191"])
        try await send(second, ["CLUSTER", "ADDSLOTSRANGE", "8192", "16383"])
        try await send(first, ["CLUSTER", "MEET", "127.0.0.1", "\(second)", "\(secondBus)"])
        try await waitUntil(timeout: .seconds(30), interval: .milliseconds(100)) {
            for port in [first, second] {
                let info = (try? await send(port, ["CLUSTER", "INFO"]).string) ?? ""
                guard info.contains("cluster_state:ok"), info.contains("cluster_known_nodes:2") else { return false }
            }
            return true
        }
        let key = "redirected-key"
        let slot = try #require(try await send(first, ["CLUSTER", "KEYSLOT", key]).integer)
        let (owner, other) = slot < 8192 ? (first, second) : (second, first)

        let moved = await #expect(throws: RedisError.self) { try await send(other, ["GET", key]) }
        #expect(moved?.serverCode == "MOVED")
        #expect(moved?.isClusterRedirection == true)
        #expect(moved?.isPrimaryLost == false)
        #expect(moved?.message.contains("MOVED \(slot) 127.0.0.1:\(owner)") == true)
        #expect(moved?.message.contains("Redis Cluster is not supported yet") == true)

        // While the slot migrates to the other node, a key the owner does not have is asked for there.
        let otherID = try #require(try await send(other, ["CLUSTER", "MYID"]).string)
        try await send(owner, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", otherID])
        let ask = await #expect(throws: RedisError.self) { try await send(owner, ["GET", key]) }
        #expect(ask?.serverCode == "ASK")
        #expect(ask?.isClusterRedirection == true)
        #expect(ask?.message.contains("Redis Cluster is not supported yet") == true)
    }

    @discardableResult
    func send(_ port: Int, _ command: [String]) async throws -> RESPValue {
        try await RedisConnection.withConnection(
            configuration: .init(port: port, commandTimeout: .seconds(10)),
            logger: .test
        ) { try await $0.send(command) }
    }
}
