import Foundation
import Logging
import NIOCore
import NIOPosix
import Platform
import Redis
import Synchronization

/// A Redis primary, its replicas and sentinels watching them, all of the test's own, on free ports of 127.0.0.1,
/// with their configuration files and logs in a temporary directory.
///
/// Use ``with(replicas:sentinels:primaryArguments:sentinelLines:_:)``: it stops every process and removes the
/// directory when the body returns or throws.
final class SentinelTestCluster: Sendable {
    static let primaryName = "mymaster"

    let directory: URL
    let primary: RedisTestServer
    let replicas: [RedisTestServer]
    let sentinels: [Sentinel]

    /// One `redis-sentinel` process.
    struct Sentinel: Sendable {
        let process: ChildProcess
        let port: Int
        var address: RedisSentinel.Address { .init(host: "127.0.0.1", port: port) }
    }

    var primaryAddress: RedisSentinel.Address { .init(host: "127.0.0.1", port: primary.port) }
    var sentinelAddresses: [RedisSentinel.Address] { sentinels.map(\.address) }

    private init(directory: URL, primary: RedisTestServer, replicas: [RedisTestServer], sentinels: [Sentinel]) {
        self.directory = directory
        self.primary = primary
        self.replicas = replicas
        self.sentinels = sentinels
    }

    /// Starts a primary (`redis-server` with `primaryArguments`), `replicas` replicas of it and `sentinels` sentinels
    /// monitoring it as ``primaryName`` with quorum `quorum` (`sentinelLines` added to each sentinel's configuration),
    /// runs `body` and stops everything, whatever happens.
    static func with<Result: Sendable>(
        replicas replicaCount: Int = 1,
        sentinels sentinelCount: Int = 3,
        quorum: Int = 2,
        primaryArguments: [String] = [],
        replicaArguments: [String] = [],
        sentinelLines: [String] = [],
        _ body: (SentinelTestCluster) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mastery-sentinel-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let started = Started()
        do {
            // A replica writes the snapshot of its full sync into its directory: keep it out of the working tree.
            let primary = try await RedisTestServer.start(["--dir", directory.path] + primaryArguments)
            started.add(primary.process)
            var replicas: [RedisTestServer] = []
            for _ in 0..<replicaCount {
                let replica = try await RedisTestServer.start(
                    ["--dir", directory.path, "--replicaof", "127.0.0.1", "\(primary.port)"] + replicaArguments
                )
                started.add(replica.process)
                replicas.append(replica)
            }
            var sentinels: [Sentinel] = []
            for index in 0..<sentinelCount {
                let sentinel = try await startSentinel(
                    index: index,
                    directory: directory,
                    lines: [
                        "sentinel monitor \(primaryName) 127.0.0.1 \(primary.port) \(quorum)",
                        "sentinel down-after-milliseconds \(primaryName) 1000",
                        "sentinel failover-timeout \(primaryName) 5000",
                        "sentinel parallel-syncs \(primaryName) 1",
                    ] + sentinelLines
                )
                started.add(sentinel.process)
                sentinels.append(sentinel)
            }
            let cluster = SentinelTestCluster(
                directory: directory,
                primary: primary,
                replicas: replicas,
                sentinels: sentinels
            )
            let result = try await body(cluster)
            await started.stopAll(directory: directory)
            return result
        } catch {
            await started.stopAll(directory: directory)
            throw error
        }
    }

    private static func startSentinel(index: Int, directory: URL, lines: [String]) async throws -> Sentinel {
        let port = try freePort()
        let file = directory.appendingPathComponent("sentinel-\(index).conf")
        let configuration =
            [
                "port \(port)", "bind 127.0.0.1", "daemonize no", "dir \(directory.path)",
                "sentinel resolve-hostnames no",
            ] + lines
        // A sentinel rewrites its configuration file (its id, the replicas and sentinels it found): it must be writable.
        try (configuration.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let process = try ChildProcess(
            executable: "redis-sentinel",
            arguments: [file.path],
            standardOutput: .newFile(in: directory),
            standardError: .newFile(in: directory),
            name: "sentinel-\(index)"
        )
        do {
            try await waitUntil(timeout: .seconds(60)) {
                (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
            }
        } catch {
            process.kill()
            throw error
        }
        return Sentinel(process: process, port: port)
    }

    /// Waits until every live sentinel sees the primary, every replica (with its link to the primary up), the
    /// other sentinels, and can authorize a failover (`SENTINEL CKQUORUM`).
    func waitUntilReady(sentinels ports: [Int]? = nil, timeout: Duration = .seconds(60)) async throws {
        let ports = ports ?? sentinels.map(\.port)
        try await waitUntil(timeout: timeout, interval: .milliseconds(200)) {
            for port in ports {
                guard (try? await self.isReady(sentinel: port, expectedSentinels: self.sentinels.count)) == true
                else { return false }
            }
            return true
        }
    }

    private func isReady(sentinel port: Int, expectedSentinels: Int) async throws -> Bool {
        try await Self.withConnection(port: port) { redis in
            let name = Self.primaryName
            let replicas = try await redis.send(["SENTINEL", "REPLICAS", name]).elements ?? []
            let healthy = replicas.map(Self.fields).filter { fields in
                fields["flags"] == "slave" && fields["master-link-status"] == "ok"
            }
            guard Set(healthy.compactMap { $0["port"].flatMap { Int($0) } }) == Set(self.replicas.map(\.port))
            else { return false }
            let others = try await redis.send(["SENTINEL", "SENTINELS", name]).elements ?? []
            guard others.count == expectedSentinels - 1 else { return false }
            _ = try await redis.send(["SENTINEL", "CKQUORUM", name])
            return true
        }
    }

    /// Runs `body` with a connection (RESP3) to the server on `port` of 127.0.0.1.
    static func withConnection<Result: Sendable>(
        port: Int,
        password: String? = nil,
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        try await RedisConnection.withConnection(
            configuration: .init(
                port: port,
                password: password,
                commandTimeout: .seconds(10),
                connectTimeout: .seconds(5)
            ),
            logger: .test,
            body
        )
    }

    /// The fields of one entry of `SENTINEL REPLICAS`/`SENTINELS`: a RESP3 map or a RESP2 flat array.
    static func fields(_ value: RESPValue) -> [String: String] {
        var fields: [String: String] = [:]
        switch value.withoutAttributes {
        case .map(let entries):
            for entry in entries { if let key = entry.key.string { fields[key] = entry.value.string } }
        default:
            let elements = value.elements ?? []
            for index in stride(from: 0, to: elements.count - 1, by: 2) {
                if let key = elements[index].string { fields[key] = elements[index + 1].string }
            }
        }
        return fields
    }

    /// The lines of `CLIENT LIST` on the server on `port`.
    static func clients(port: Int) async throws -> [String] {
        let list = try await withConnection(port: port) { try await $0.send(["CLIENT", "LIST"]).string ?? "" }
        return list.split(separator: "\n").map(String.init)
    }

    /// The processes started so far, to stop them all whatever happens.
    private final class Started: Sendable {
        let processes = Mutex<[ChildProcess]>([])

        func add(_ process: ChildProcess) { processes.withLock { $0.append(process) } }

        func stopAll(directory: URL) async {
            let processes = self.processes.withLock { $0 }
            await withTaskGroup(of: Void.self) { group in
                for process in processes {
                    group.addTask {
                        // A test may have stopped one with SIGSTOP: let it see SIGTERM.
                        process.kill(signal: .init(rawValue: SIGCONT))
                        _ = try? await process.stop(gracePeriod: .seconds(5))
                    }
                }
            }
            if ProcessInfo.processInfo.environment["MASTERY_TEST_KEEP_DIR"] != "1" {
                try? FileManager.default.removeItem(at: directory)
            }
        }
    }
}
