import Logging
import NIOCore
import Platform
import Redis
import TestSupport
import Testing

@Suite(
    "Redis pub/sub against redis-servers of its own: restarts, old servers, ACLs",
    .enabled(if: TestServers.shouldRun(tools: "redis-server"), "needs redis-server: run scripts/test")
)
struct RedisSubscriberRestartTests {
    static let versions: [RedisConnection.ProtocolVersion] = [.resp3, .resp2]

    func configuration(
        port: Int,
        _ version: RedisConnection.ProtocolVersion = .resp3
    ) -> RedisSubscriber.Configuration {
        var connection = RedisConnection.Configuration(port: port)
        connection.protocolVersion = version
        connection.connectTimeout = .seconds(2)
        return RedisSubscriber.Configuration(
            connection: connection,
            backoff: RedisBackoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(500))
        )
    }

    /// Runs `body` with a server of its own, stopped afterwards whether `body` throws or not (also a server that
    /// `body` restarted: it hands back the one running at its end).
    func withServer(
        _ arguments: [String] = [],
        _ body: (RedisTestServer) async throws -> RedisTestServer
    ) async throws {
        var server = try await RedisTestServer.start(arguments)
        do {
            server = try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test(
        "across a restart (SIGKILL): the consumer is told messages may be missed, subscriptions come back",
        arguments: versions
    )
    func restart(version: RedisConnection.ProtocolVersion) async throws {
        let channel = "orders"
        let pattern = "news.*"
        let late = "late"
        try await withServer { first in
            let port = first.port
            let servers = ServerHolder(first)
            try await withSubscriber(configuration(port: port, version)) { subscriber in
                let orders = try await subscriber.subscribe(channels: [channel])
                let news = try await subscriber.psubscribe(patterns: [pattern])
                var orderEvents = orders.makeAsyncIterator()
                var newsEvents = news.makeAsyncIterator()
                let publisher = RedisConnection.Configuration(port: port)
                try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(try await redis.publish(channel, message: "before") == 1)
                    #expect(try await redis.publish("news.today", message: "before") == 1)
                }
                #expect(try await orderEvents.next() == .message(RedisPubSubMessage(channel, "before")))
                #expect(
                    try await newsEvents.next()
                        == .message(RedisPubSubMessage("news.today", "before", pattern: pattern))
                )

                try await servers.current.kill()
                // Subscribing while the server is down waits for it (within subscribeTimeout).
                let lateSubscription = Task { try await subscriber.subscribe(channels: [late]) }
                servers.current = try await RedisTestServer.start(port: port)

                // `.reconnected` comes once the subscription is active again: a PUBLISH right after reaches it.
                #expect(try await orderEvents.next() == .reconnected)
                #expect(try await newsEvents.next() == .reconnected)
                let lateEvents = try await lateSubscription.value
                try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(try await redis.publish(channel, message: "after") == 1)
                    #expect(try await redis.publish("news.tomorrow", message: "after") == 1)
                    #expect(try await redis.publish(late, message: "late") == 1)
                }
                #expect(try await orderEvents.next() == .message(RedisPubSubMessage(channel, "after")))
                #expect(
                    try await newsEvents.next()
                        == .message(RedisPubSubMessage("news.tomorrow", "after", pattern: pattern))
                )
                var lateIterator = lateEvents.makeAsyncIterator()
                // A subscription first confirmed after the restart has nothing to be told.
                #expect(try await lateIterator.next() == .message(RedisPubSubMessage(late, "late")))
            }
            return servers.current
        }
    }

    @Test("a server without sharded pub/sub: SSUBSCRIBE and SPUBLISH fail with a clear error, the rest works")
    func noShardedPubSub() async throws {
        try await withServer(["--rename-command", "SSUBSCRIBE", "", "--rename-command", "SPUBLISH", ""]) { server in
            try await withSubscriber(configuration(port: server.port)) { subscriber in
                let error = await #expect(throws: RedisError.self) {
                    try await subscriber.ssubscribe(shardChannels: ["s"])
                }
                #expect(error?.code == .serverError)
                #expect(error?.message.contains("sharded pub/sub") == true)
                #expect(error?.message.contains("Redis 7.0") == true)
                #expect(error?.serverCode == "ERR")

                let subscription = try await subscriber.subscribe(channels: ["c"])
                try await RedisConnection.withConnection(configuration: .init(port: server.port), logger: .test) {
                    (redis: RedisConnection) async throws in
                    let publishError = await #expect(throws: RedisError.self) {
                        try await redis.spublish("s", message: "x")
                    }
                    #expect(publishError?.message.contains("Redis 7.0") == true)
                    #expect(try await redis.publish("c", message: "still works") == 1)
                }
                var events = subscription.makeAsyncIterator()
                #expect(try await events.next() == .message(RedisPubSubMessage("c", "still works")))
            }
            return server
        }
    }

    @Test("subscribe gives up after subscribeTimeout when the server stays unreachable")
    func unreachable() async throws {
        var configuration = configuration(port: try freePort())
        configuration.subscribeTimeout = .milliseconds(300)
        let clock = ContinuousClock()
        try await withSubscriber(configuration) { subscriber in
            let start = clock.now
            let error = await #expect(throws: RedisError.self) { try await subscriber.subscribe(channels: ["c"]) }
            #expect(error?.code == .timeout)
            // Far below the default (30 s); generous because CPU-bound tests may hold the cooperative threads.
            #expect(clock.now - start < .seconds(25))
        }
    }

    @Test(
        "a subscription the server refuses to restore (ACL change) throws; the others are restored",
        arguments: versions
    )
    func refusedRestore(version: RedisConnection.ProtocolVersion) async throws {
        try await withServer { server in
            let admin = RedisConnection.Configuration(port: server.port)
            try await RedisConnection.withConnection(configuration: admin, logger: .test) {
                (redis: RedisConnection) async throws in
                try await redis.send(["ACL", "SETUSER", "alice", "on", ">alice-Pa55", "~*", "&*", "+@all"])
            }
            var configuration = configuration(port: server.port, version)
            configuration.connection.username = "alice"
            configuration.connection.password = "alice-Pa55"
            try await withSubscriber(configuration) { subscriber in
                let secret = try await subscriber.subscribe(channels: ["secret"])
                let open = try await subscriber.subscribe(channels: ["public"])
                var openEvents = open.makeAsyncIterator()
                // Revoking a channel disconnects the clients subscribed to it; the restore is then refused.
                try await RedisConnection.withConnection(configuration: admin, logger: .test) {
                    (redis: RedisConnection) async throws in
                    try await redis.send(["ACL", "SETUSER", "alice", "resetchannels", "&public"])
                }
                #expect(try await openEvents.next() == .reconnected)
                var secretEvents = secret.makeAsyncIterator()
                let error = await #expect(throws: RedisError.self) { try await secretEvents.next() }
                #expect(error?.serverCode == "NOPERM")
                #expect(try await secretEvents.next() == nil)
                try await RedisConnection.withConnection(configuration: admin, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(try await redis.publish("public", message: "open") == 1)
                }
                #expect(try await openEvents.next() == .message(RedisPubSubMessage("public", "open")))
            }
            return server
        }
    }
}

/// The server a restart test is running now (the closure that restarts it is `@Sendable`).
final class ServerHolder: @unchecked Sendable {
    // Only the test's own task reads and writes it, one step after another.
    var current: RedisTestServer
    init(_ server: RedisTestServer) { current = server }
}
