import Foundation
import Logging
import NIOCore
import Platform
import Redis
import ServiceLifecycle
import TestSupport
import Testing

@Suite(
    "Redis pub/sub against the test server",
    .enabled(if: TestServers.shouldRun(TestServers.redisURL), "needs Redis: run scripts/test")
)
struct RedisSubscriberTests {
    static let versions: [RedisConnection.ProtocolVersion] = [.resp3, .resp2]
    let prefix = TestServers.uniqueKeyPrefix()

    func connection(_ version: RedisConnection.ProtocolVersion = .resp3) throws -> RedisConnection.Configuration {
        var configuration = try RedisConnection.Configuration(url: TestServers.requireRedisURL())
        configuration.protocolVersion = version
        return configuration
    }

    /// A subscriber configuration whose connection is named, so `CLIENT LIST` can find it.
    func subscriber(_ version: RedisConnection.ProtocolVersion, name: String) throws -> RedisSubscriber.Configuration {
        var connection = try connection(version)
        connection.clientName = name
        return RedisSubscriber.Configuration(connection: connection)
    }

    func clientName(_ test: String, _ version: RedisConnection.ProtocolVersion) -> String {
        "sub-\(test)-\(version)-" + UUID().uuidString.prefix(8)
    }

    func withPublisher(_ body: (RedisConnection) async throws -> Void) async throws {
        try await RedisConnection.withConnection(configuration: connection(), logger: .test, body)
    }

    @Test("messages arrive in order, with binary payloads byte for byte", arguments: versions)
    func orderAndBinary(version: RedisConnection.ProtocolVersion) async throws {
        let channel = prefix + "order-\(version)"
        let configuration = try subscriber(version, name: clientName("order", version))
        let publisher = try connection()
        try await withSubscriber(configuration) { subscriber in
            let subscription = try await subscriber.subscribe(channels: [channel, channel])
            #expect(subscription.names == [channel])
            var payloads: [ByteBuffer] = (0..<1_000).map { index in
                var payload = ByteBuffer(string: "\(index):")
                payload.writeBytes([0, 13, 10, 255, UInt8(truncatingIfNeeded: index)])
                return payload
            }
            var large = ByteBuffer()
            var random = SeededGenerator(seed: 3)
            for _ in 0..<(1024 * 1024 / 8) { large.writeInteger(random.next()) }
            payloads.append(large)
            payloads.append(ByteBuffer())
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                let commands = payloads.map { payload in
                    var command = RedisCommand("PUBLISH", channel)
                    command.append(payload)
                    return command
                }
                let receivers = await redis.pipeline(commands).map { try? $0.get() }
                #expect(receivers == Array(repeating: .integer(1), count: payloads.count))
                var iterator = subscription.makeAsyncIterator()
                var received: [RedisSubscription.Event] = []
                for _ in payloads { received.append(try #require(try await iterator.next())) }
                #expect(received == payloads.map { .message(RedisPubSubMessage(channel: channel, payload: $0)) })
                #expect(try await redis.publish(channel, message: "typed") == 1)
                #expect(try await iterator.next() == .message(RedisPubSubMessage(channel, "typed")))
            }
        }
    }

    @Test(
        "two subscriptions to one channel each get every message; the last one to end unsubscribes",
        arguments: versions
    )
    func sharedChannel(version: RedisConnection.ProtocolVersion) async throws {
        let channel = prefix + "shared-\(version)"
        let other = prefix + "other-\(version)"
        let configuration = try subscriber(version, name: clientName("shared", version))
        let publisher = try connection()
        try await withSubscriber(configuration) { subscriber in
            let first = try await subscriber.subscribe(channels: [channel])
            let second = try await subscriber.subscribe(channels: [channel, other])
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                #expect(try await redis.publish(channel, message: "one") == 1, "one connection serves both")
                var firstEvents = first.makeAsyncIterator()
                #expect(try await firstEvents.next() == .message(RedisPubSubMessage(channel, "one")))
                first.unsubscribe()
                #expect(try await firstEvents.next() == nil)
                #expect(try await redis.publish(channel, message: "two") == 1, "the second still needs the channel")
                #expect(try await redis.publish(other, message: "three") == 1)

                // Leaving a for-await loop ends the subscription, though `second` is still referenced.
                var secondEvents: [RedisSubscription.Event] = []
                for try await event in second {
                    secondEvents.append(event)
                    if secondEvents.count == 3 { break }
                }
                #expect(
                    secondEvents == [
                        .message(RedisPubSubMessage(channel, "one")), .message(RedisPubSubMessage(channel, "two")),
                        .message(RedisPubSubMessage(other, "three")),
                    ]
                )
                try await waitUntil(timeout: .seconds(60)) {
                    let counts = (try await redis.subscriberCount(channel), try await redis.subscriberCount(other))
                    return counts == (0, 0)
                }
                #expect(try await redis.publish(channel, message: "four") == 0)
            }
        }
    }

    @Test("pattern subscriptions carry the pattern; cancelling the consumer unsubscribes", arguments: versions)
    func patterns(version: RedisConnection.ProtocolVersion) async throws {
        let pattern = prefix + "news.\(version).*"
        let name = clientName("pattern", version)
        let configuration = try subscriber(version, name: name)
        let publisher = try connection()
        try await withSubscriber(configuration) { subscriber in
            let subscription = try await subscriber.psubscribe(patterns: [pattern])
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                #expect(try await redis.clientField(named: name, "psub") == "1")
                #expect(try await redis.publish(prefix + "news.\(version).sport", message: "goal") == 1)
                #expect(try await redis.publish(prefix + "weather", message: "rain") == 0)
                let log = EventLog()
                let consumer = Task {
                    for try await event in subscription { log.append(event) }
                }
                try await waitUntil(timeout: .seconds(60)) { !log.events.isEmpty }
                consumer.cancel()
                try await consumer.value
                #expect(
                    log.events == [
                        .message(RedisPubSubMessage(prefix + "news.\(version).sport", "goal", pattern: pattern))
                    ]
                )
                try await waitUntil(timeout: .seconds(60)) { try await redis.clientField(named: name, "psub") == "0" }
                #expect(try await redis.publish(prefix + "news.\(version).sport", message: "late") == 0)
            }
        }
    }

    @Test("sharded pub/sub: SSUBSCRIBE and SPUBLISH; dropping a subscription unsubscribes", arguments: versions)
    func sharded(version: RedisConnection.ProtocolVersion) async throws {
        let channel = prefix + "shard-\(version)"
        let dropped = prefix + "shard-dropped-\(version)"
        let configuration = try subscriber(version, name: clientName("shard", version))
        let publisher = try connection()
        try await withSubscriber(configuration) { subscriber in
            let subscription = try await subscriber.ssubscribe(shardChannels: [channel])
            var unused: RedisSubscription? = try await subscriber.ssubscribe(shardChannels: [dropped])
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                #expect(try await redis.subscriberCount(channel, sharded: true) == 1)
                #expect(try await redis.spublish(channel, message: "s1") == 1)
                #expect(try await redis.publish(channel, message: "not sharded") == 0)
                var events = subscription.makeAsyncIterator()
                #expect(try await events.next() == .message(RedisPubSubMessage(channel, "s1")))

                #expect(try await redis.subscriberCount(dropped, sharded: true) == 1)
                #expect(unused?.names == [dropped])
                unused = nil
                try await waitUntil(timeout: .seconds(60)) {
                    try await redis.subscriberCount(dropped, sharded: true) == 0
                }
                #expect(try await redis.spublish(channel, message: "s2") == 1, "the other one is still there")
                #expect(try await events.next() == .message(RedisPubSubMessage(channel, "s2")))
            }
        }
    }

    @Test(
        "a slow consumer's buffer stays bounded: drop-oldest and drop-newest report what they dropped",
        arguments: versions
    )
    func bufferPolicy(version: RedisConnection.ProtocolVersion) async throws {
        let oldest = prefix + "oldest-\(version)"
        let newest = prefix + "newest-\(version)"
        let sentinel = prefix + "sentinel-\(version)"
        let configuration = try subscriber(version, name: clientName("buffer", version))
        let publisher = try connection()
        try await withSubscriber(configuration) { subscriber in
            let dropOldest = try await subscriber.subscribe(channels: [oldest], bufferPolicy: .dropOldest(limit: 10))
            let dropNewest = try await subscriber.subscribe(channels: [newest], bufferPolicy: .dropNewest(limit: 10))
            let marker = try await subscriber.subscribe(channels: [sentinel])
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                var commands = (0..<100).map { RedisCommand("PUBLISH", oldest, "m\($0)") }
                commands += (0..<100).map { RedisCommand("PUBLISH", newest, "m\($0)") }
                commands.append(RedisCommand("PUBLISH", sentinel, "done"))
                for result in await redis.pipeline(commands) { #expect((try? result.get()) == .integer(1)) }
            }
            // Frames arrive in order on the one connection: once the sentinel is here, all 200 were buffered.
            var markerEvents = marker.makeAsyncIterator()
            #expect(try await markerEvents.next() == .message(RedisPubSubMessage(sentinel, "done")))

            var oldestEvents = dropOldest.makeAsyncIterator()
            var events: [RedisSubscription.Event] = []
            for _ in 0..<11 { events.append(try #require(try await oldestEvents.next())) }
            #expect(
                events == [.messagesDropped(90)] + (90..<100).map { .message(RedisPubSubMessage(oldest, "m\($0)")) }
            )

            var newestEvents = dropNewest.makeAsyncIterator()
            events = []
            for _ in 0..<11 { events.append(try #require(try await newestEvents.next())) }
            #expect(events == (0..<10).map { .message(RedisPubSubMessage(newest, "m\($0)")) } + [.messagesDropped(90)])
        }
    }

    @Test("health-check PINGs on the subscribed connection do not disturb it", arguments: versions)
    func pingWhileSubscribed(version: RedisConnection.ProtocolVersion) async throws {
        let channel = prefix + "ping-\(version)"
        let name = clientName("ping", version)
        var configuration = try subscriber(version, name: name)
        configuration.healthCheckInterval = .milliseconds(20)
        configuration.connection.commandTimeout = .milliseconds(500)
        let publisher = try connection()
        try await withSubscriber(configuration) { subscriber in
            let subscription = try await subscriber.subscribe(channels: [channel])
            var events = subscription.makeAsyncIterator()
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                let id = try await redis.clientField(named: name, "id")
                // CLIENT LIST shows the last command each client ran: a PING after the SUBSCRIBE.
                try await waitUntil(timeout: .seconds(60)) { try await redis.clientField(named: name, "cmd") == "ping" }
                for round in 0..<20 {
                    #expect(try await redis.publish(channel, message: "m\(round)") == 1)
                    // A PING reply taken for something else would time out a PING (500 ms) and replace the
                    // connection: a `.reconnected` event would come first, with another client id.
                    #expect(try await events.next() == .message(RedisPubSubMessage(channel, "m\(round)")))
                }
                #expect(try await redis.clientField(named: name, "id") == id)
            }
        }
    }

    @Test("a graceful shutdown ends every subscription after its buffered events; a stopped subscriber refuses more")
    func gracefulShutdown() async throws {
        let channel = prefix + "shutdown"
        let subscriber = try RedisSubscriber(
            configuration: RedisSubscriber.Configuration(connection: connection()),
            logger: .test
        )
        let publisher = try connection()
        try await withTimeLimit {
            let group = ServiceGroup(services: [subscriber], logger: .test)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let subscription = try await subscriber.subscribe(channels: [channel])
                var events = subscription.makeAsyncIterator()
                try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                    (redis: RedisConnection) async throws in
                    #expect(try await redis.publish(channel, message: "before") == 1)
                }
                #expect(try await events.next() == .message(RedisPubSubMessage(channel, "before")))
                await group.triggerGracefulShutdown()
                #expect(try await events.next() == nil)
                try await tasks.waitForAll()
            }
            try await RedisConnection.withConnection(configuration: publisher, logger: .test) {
                (redis: RedisConnection) async throws in
                try await waitUntil(timeout: .seconds(60)) { try await redis.subscriberCount(channel) == 0 }
            }
            let late = await #expect(throws: RedisError.self) { try await subscriber.subscribe(channels: [channel]) }
            #expect(late?.code == .connectionClosed)
            let again = await #expect(throws: RedisError.self) { try await subscriber.run() }
            #expect(again?.code == .invalidConfiguration)
        }
    }

    @Test("an ordinary connection refuses SUBSCRIBE instead of mixing messages into replies", arguments: versions)
    func plainConnectionRefuses(version: RedisConnection.ProtocolVersion) async throws {
        try await RedisConnection.withConnection(configuration: connection(version), logger: .test) {
            (redis: RedisConnection) async throws in
            for command in ["SUBSCRIBE", "psubscribe", "SSUBSCRIBE", "UNSUBSCRIBE"] {
                let error = await #expect(throws: RedisError.self) { try await redis.send([command, prefix + "x"]) }
                #expect(error?.code == .invalidConfiguration)
            }
            let results = await redis.pipeline([RedisCommand("PING"), RedisCommand("SUBSCRIBE", prefix + "x")])
            #expect(results.allSatisfy { (try? $0.get()) == nil })
            #expect(try await redis.ping() == "PONG")
        }
    }

    @Test("subscribe validates its arguments")
    func validation() async throws {
        let subscriber = try RedisSubscriber(configuration: .init(connection: connection()), logger: .test)
        let empty = await #expect(throws: RedisError.self) { try await subscriber.subscribe(channels: []) }
        #expect(empty?.code == .invalidConfiguration)
        let buffer = await #expect(throws: RedisError.self) {
            try await subscriber.subscribe(channels: ["x"], bufferPolicy: .dropOldest(limit: 0))
        }
        #expect(buffer?.code == .invalidConfiguration)
        #expect(throws: RedisError.self) {
            try RedisSubscriber(
                configuration: .init(connection: connection(), backoff: RedisBackoff(initialDelay: .zero)),
                logger: .test
            )
        }
    }
}
