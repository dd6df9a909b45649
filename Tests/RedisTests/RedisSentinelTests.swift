import Foundation
import Logging
import Platform
import Synchronization
import TestSupport
import Testing

@testable import Redis

@Suite(
    "Redis Sentinel: discovery and failover with real sentinels",
    .enabled(
        if: TestServers.shouldRun(tools: "redis-server", "redis-sentinel"),
        "needs redis-server and redis-sentinel: run scripts/test"
    ),
    .timeLimit(.minutes(3))
)
struct RedisSentinelTests {
    static let name = SentinelTestCluster.primaryName
    /// The `CLIENT SETNAME` of the watching connections, to find them in the sentinels' `CLIENT LIST`.
    static let watchName = "mastery-sentinel-watch"
    let prefix = TestServers.uniqueKeyPrefix()

    /// A configuration for the data nodes (no password in these clusters).
    let data = RedisConnection.Configuration(commandTimeout: .seconds(10), connectTimeout: .seconds(5))

    func sentinel(
        _ addresses: [RedisSentinel.Address],
        name: String = Self.name,
        _ configure: (inout RedisSentinel.Configuration) -> Void = { _ in }
    ) throws -> RedisSentinel {
        var configuration = RedisSentinel.Configuration(
            sentinels: addresses,
            primaryName: name,
            clientName: Self.watchName
        )
        configure(&configuration)
        return try RedisSentinel(configuration: configuration, logger: .test)
    }

    /// An address where nothing listens.
    func deadAddress() throws -> RedisSentinel.Address { .init(host: "127.0.0.1", port: try freePort()) }

    @Test(
        "discovers the primary, skips an unreachable sentinel, and names unknown primaries and dead sentinels clearly"
    )
    func discovery() async throws {
        try await SentinelTestCluster.with { cluster in
            let dead = try deadAddress()
            let sentinel = try sentinel([dead] + cluster.sentinelAddresses)

            #expect(try await sentinel.queryPrimaryAddress() == cluster.primaryAddress)
            // The sentinel that answered is asked first from now on; the dead one follows.
            #expect(sentinel.sentinels == [cluster.sentinelAddresses[0], dead] + cluster.sentinelAddresses.dropFirst())
            #expect(try await sentinel.primaryAddress(verifyingWith: data) == cluster.primaryAddress)

            let connection = try await sentinel.connectToPrimary(configuration: data)
            #expect(connection.configuration.port == cluster.primary.port)
            try await connection.set(prefix + "written", to: "through the sentinel")
            #expect(try await connection.getString(prefix + "written") == "through the sentinel")
            await connection.close()

            let unknown = try self.sentinel(cluster.sentinelAddresses + [dead], name: "no-such-primary")
            let notFound = await #expect(throws: RedisError.self) {
                try await unknown.primaryAddress(verifyingWith: data)
            }
            #expect(notFound?.code == .primaryNotFound)
            #expect(notFound?.message.contains("'no-such-primary'") == true)
            #expect(notFound?.message.contains("3 of 4 answered none") == true)
            #expect(notFound?.message.contains("1 could not be asked") == true)

            let password = "sentinel-Pa55word"
            let nowhere = try self.sentinel([dead, try deadAddress()]) { $0.password = password }
            let unreachable = await #expect(throws: RedisError.self) {
                try await nowhere.connectToPrimary(configuration: data)
            }
            #expect(unreachable?.code == .connectionFailed)
            #expect(
                unreachable?.message.contains("none of the 2 sentinels could be asked for primary 'mymaster'") == true
            )
            #expect(unreachable?.message.contains("\(dead)") == true)
            #expect(unreachable.map { !"\($0)".contains(password) } == true)
        }
    }

    @Test("a replica is not taken for the primary: ROLE says notPrimary, a write says READONLY, both mean primary lost")
    func replicaIsNotPrimary() async throws {
        try await SentinelTestCluster.with(sentinels: 0) { cluster in
            let replica = cluster.replicas[0]
            try await SentinelTestCluster.withConnection(port: replica.port) { redis in
                let address = RedisSentinel.Address(host: "127.0.0.1", port: replica.port)
                let notPrimary = await #expect(throws: RedisError.self) {
                    try await RedisSentinel.verifyPrimary(redis, address: address)
                }
                #expect(notPrimary?.code == .notPrimary)
                #expect(notPrimary?.message.contains("\(address) is not a primary (ROLE answered slave)") == true)
                #expect(notPrimary?.isPrimaryLost == true)

                let readOnly = await #expect(throws: RedisError.self) {
                    try await redis.set(prefix + "k", to: "v")
                }
                #expect(readOnly?.serverCode == "READONLY")
                #expect(readOnly?.isPrimaryLost == true)
                #expect(readOnly?.isClusterRedirection == false)
            }
            try await SentinelTestCluster.withConnection(port: cluster.primary.port) { redis in
                try await RedisSentinel.verifyPrimary(redis, address: cluster.primaryAddress)
            }
        }
    }

    @Test(
        "follows SENTINEL FAILOVER: the watch leaves a frozen sentinel, hears +switch-master, new connections reach the new primary"
    )
    func forcedFailover() async throws {
        try await SentinelTestCluster.with { cluster in
            try await cluster.waitUntilReady()
            let key = prefix + "carried"
            try await writeReplicated(key, "before the failover", cluster: cluster)
            let replica = RedisSentinel.Address(host: "127.0.0.1", port: cluster.replicas[0].port)
            let sentinel = try sentinel(cluster.sentinelAddresses) { $0.healthCheckInterval = .milliseconds(500) }
            let frozen = cluster.sentinels[0]

            try await watching(sentinel) { changes in
                let first = try await changes.waitFor { _ in true }
                #expect(
                    first
                        == .init(
                            primaryName: Self.name,
                            previous: nil,
                            current: cluster.primaryAddress,
                            cause: .discovered
                        )
                )
                #expect(try await Self.watches(on: frozen.port) == 1)

                // A sentinel that stops answering (but keeps its socket open) is left for another one.
                frozen.process.kill(signal: .init(rawValue: SIGSTOP))
                try await waitUntil(timeout: .seconds(30)) {
                    var watches = 0
                    for other in cluster.sentinels.dropFirst() {
                        watches += (try? await Self.watches(on: other.port)) ?? 0
                    }
                    return watches == 1
                }
                // Discovery skips the frozen sentinel after its timeout.
                #expect(try await sentinel.queryPrimaryAddress() == cluster.primaryAddress)
                #expect(sentinel.sentinels.first != frozen.address)

                let failover = try await SentinelTestCluster.withConnection(port: cluster.sentinels[1].port) { redis in
                    try await redis.send(["SENTINEL", "FAILOVER", Self.name]).string
                }
                #expect(failover == "OK")
                let switched = try await changes.waitFor { $0.cause == .switchMaster }
                #expect(
                    switched
                        == .init(
                            primaryName: Self.name,
                            previous: cluster.primaryAddress,
                            current: replica,
                            cause: .switchMaster
                        )
                )
                #expect(changes.all.count == 2)

                try await expectPrimary(replica, through: sentinel, holding: key, "before the failover")
            }
        }
    }

    @Test("follows the SIGKILL of the primary: the sentinels promote the replica and say so, the data survives")
    func killedPrimary() async throws {
        try await SentinelTestCluster.with { cluster in
            try await cluster.waitUntilReady()
            let key = prefix + "carried"
            try await writeReplicated(key, "before the crash", cluster: cluster)
            let replica = RedisSentinel.Address(host: "127.0.0.1", port: cluster.replicas[0].port)
            let sentinel = try sentinel(cluster.sentinelAddresses)

            try await watching(sentinel) { changes in
                let first = try await changes.waitFor { _ in true }
                #expect(first.current == cluster.primaryAddress)

                cluster.primary.process.kill(signal: .kill)
                let switched = try await changes.waitFor(timeout: .seconds(90)) { $0.cause == .switchMaster }
                #expect(
                    switched
                        == .init(
                            primaryName: Self.name,
                            previous: cluster.primaryAddress,
                            current: replica,
                            cause: .switchMaster
                        )
                )

                try await expectPrimary(replica, through: sentinel, holding: key, "before the crash")
            }
        }
    }

    @Test("a failover missed while the watched sentinel was unreachable is reported on reconnecting to another")
    func missedFailover() async throws {
        try await SentinelTestCluster.with { cluster in
            try await cluster.waitUntilReady()
            let replica = RedisSentinel.Address(host: "127.0.0.1", port: cluster.replicas[0].port)
            let (watched, next, failingOver) = (cluster.sentinels[0], cluster.sentinels[1], cluster.sentinels[2])
            // The watch knows only the first two, and its health check cannot fire during the test.
            let sentinel = try sentinel([watched.address, next.address]) { $0.healthCheckInterval = .seconds(120) }

            try await watching(sentinel) { changes in
                let first = try await changes.waitFor { _ in true }
                #expect(first.current == cluster.primaryAddress)

                // The watched sentinel freezes, so it never hears of the failover the third one leads.
                watched.process.kill(signal: .init(rawValue: SIGSTOP))
                let failover = try await SentinelTestCluster.withConnection(port: failingOver.port) { redis in
                    try await redis.send(["SENTINEL", "FAILOVER", Self.name]).string
                }
                #expect(failover == "OK")
                try await waitUntil(timeout: .seconds(30), interval: .milliseconds(100)) {
                    let named = try? await SentinelTestCluster.withConnection(port: next.port) { redis in
                        try await redis.send(["SENTINEL", "get-master-addr-by-name", Self.name])
                    }
                    return named.flatMap { try? RedisSentinel.primaryAddress(from: $0) } == replica
                }
                #expect(changes.all.count == 1)

                // Its death closes the watch's socket: the watch moves on and finds the primary moved meanwhile.
                watched.process.kill(signal: .kill)
                let discovered = try await changes.waitFor { $0.current == replica }
                #expect(
                    discovered
                        == .init(
                            primaryName: Self.name,
                            previous: cluster.primaryAddress,
                            current: replica,
                            cause: .discovered
                        )
                )
            }
        }
    }

    @Test("while no sentinel can be reached the watch retries with backoff, logs no password, and ends when cancelled")
    func unreachableWatch() async throws {
        let password = "sentinel-Pa55word"
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "redis-tests") { label in
            JSONLogHandler(label: label, level: .debug) { line in lines.withLock { $0.append(line) } }
        }
        let sentinel = try RedisSentinel(
            configuration: .init(
                sentinels: [try deadAddress(), try deadAddress()],
                primaryName: Self.name,
                password: password
            ),
            logger: logger
        )
        let rounds = { lines.withLock { $0.filter { $0.contains("No Redis sentinel can be watched") }.count } }
        try await watching(sentinel) { changes in
            try await waitUntil(timeout: .seconds(30)) { rounds() >= 3 }
            #expect(changes.all.isEmpty)
        }
        let logged = lines.withLock { $0 }
        #expect(logged.contains { $0.contains("Redis sentinel cannot be watched") && $0.contains("could not connect") })
        #expect(!logged.contains { $0.contains(password) })
    }

    @Test("sentinel credentials are the sentinels' own: an ACL user or requirepass, distinct from the data password")
    func sentinelCredentials() async throws {
        let dataPassword = "data-Pa55word"
        let sentinelPassword = "sentinel-Pa55word"
        let watcherPassword = "watcher-Pa55word"
        try await SentinelTestCluster.with(
            replicas: 0,
            sentinels: 1,
            quorum: 1,
            primaryArguments: ["--requirepass", dataPassword],
            sentinelLines: [
                "sentinel auth-pass \(Self.name) \(dataPassword)", "requirepass \(sentinelPassword)",
                "user watcher on >\(watcherPassword) allchannels +@all",
            ]
        ) { cluster in
            var data = self.data
            data.password = dataPassword

            let byPassword = try sentinel(cluster.sentinelAddresses) { $0.password = sentinelPassword }
            #expect(try await byPassword.primaryAddress(verifyingWith: data) == cluster.primaryAddress)

            let byUser = try sentinel(cluster.sentinelAddresses) {
                $0.username = "watcher"
                $0.password = watcherPassword
            }
            let connection = try await byUser.connectToPrimary(configuration: data)
            #expect(try await connection.ping() == "PONG")
            await connection.close()
            try await watching(byUser) { changes in
                let first = try await changes.waitFor { _ in true }
                #expect(first.current == cluster.primaryAddress)
            }

            // The data password does not open the sentinels...
            let wrong = try sentinel(cluster.sentinelAddresses) { $0.password = dataPassword }
            let refused = await #expect(throws: RedisError.self) {
                try await wrong.connectToPrimary(configuration: data)
            }
            #expect(refused?.code == .connectionFailed)
            #expect(refused?.message.contains("WRONGPASS") == true)
            #expect(refused.map { !"\($0)".contains(dataPassword) } == true)
            // ...nor the sentinel password the primary.
            var noData = data
            noData.password = nil
            let noAuth = await #expect(throws: RedisError.self) {
                try await byUser.connectToPrimary(configuration: noData)
            }
            #expect(noAuth?.serverCode == "NOAUTH")
        }
    }

    // MARK: Helpers

    /// Writes `key` on the primary and waits until the replica acknowledged it (`WAIT 1`).
    func writeReplicated(_ key: String, _ value: String, cluster: SentinelTestCluster) async throws {
        try await SentinelTestCluster.withConnection(port: cluster.primary.port) { redis in
            try await redis.set(key, to: value)
            #expect(
                try await redis.send(["WAIT", "\(cluster.replicas.count)", "10000"]).integer
                    == Int64(cluster.replicas.count)
            )
        }
    }

    /// Expects discovery to name `address` (once the failover settles), a new connection to reach it, `key` to hold
    /// `value` there (replication carried it), and a write to succeed.
    func expectPrimary(
        _ address: RedisSentinel.Address,
        through sentinel: RedisSentinel,
        holding key: String,
        _ value: String
    ) async throws {
        try await waitUntil(timeout: .seconds(30), interval: .milliseconds(100)) {
            (try? await sentinel.primaryAddress(verifyingWith: data)) == address
        }
        let connection = try await sentinel.connectToPrimary(configuration: data)
        #expect(connection.configuration.port == address.port)
        #expect(try await connection.getString(key) == value)
        try await connection.set(key, to: "after")
        #expect(try await connection.getString(key) == "after")
        await connection.close()
    }

    /// How many watching connections (named ``watchName``, subscribed) the sentinel on `port` has.
    static func watches(on port: Int) async throws -> Int {
        try await SentinelTestCluster.clients(port: port).filter { line in
            line.contains("name=\(watchName) ") && line.contains(" sub=1 ")
        }.count
    }

    /// Runs `body` while a task iterates `sentinel.primaryChanges()` into a ``Changes``; then cancels that task and
    /// expects the sequence to end.
    func watching<Result: Sendable>(
        _ sentinel: RedisSentinel,
        _ body: (Changes) async throws -> Result
    ) async throws -> Result {
        let changes = Changes()
        let sequence = try sentinel.primaryChanges(
            backoff: RedisBackoff(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await change in sequence { changes.append(change) }
                changes.end()
            }
            do {
                let result = try await body(changes)
                group.cancelAll()
                try await group.waitForAll()
                #expect(changes.hasEnded)
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// The changes a watch reported so far.
final class Changes: Sendable {
    private let state = Mutex<(changes: [RedisSentinel.PrimaryChange], ended: Bool)>(([], false))

    var all: [RedisSentinel.PrimaryChange] { state.withLock { $0.changes } }
    var hasEnded: Bool { state.withLock { $0.ended } }

    func append(_ change: RedisSentinel.PrimaryChange) { state.withLock { $0.changes.append(change) } }
    func end() { state.withLock { $0.ended = true } }

    /// Waits for the first change that matches `predicate`.
    func waitFor(
        timeout: Duration = .seconds(30),
        _ predicate: (RedisSentinel.PrimaryChange) -> Bool
    ) async throws -> RedisSentinel.PrimaryChange {
        var found: RedisSentinel.PrimaryChange?
        try await waitUntil(timeout: timeout, interval: .milliseconds(20)) {
            found = all.first(where: predicate)
            return found != nil
        }
        return try #require(found)
    }
}
