import Foundation
import Logging
import NIOCore
import Redis
import Synchronization

/// The time limit of a test body ran out.
struct TimeLimitExceeded: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "the test did not finish within \(limit)" }
}

/// Runs `body`, cancelling it and throwing ``TimeLimitExceeded`` when it takes longer than `limit` (so a message
/// that never arrives fails the test instead of hanging it: a cancelled `next()` returns `nil`).
func withTimeLimit<T: Sendable>(
    _ limit: Duration = .seconds(60),
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimeLimitExceeded(limit: limit) }
        return value
    }
}

/// Runs a subscriber while `body` runs (within a time limit), then cancels it and waits for `run()` to return.
func withSubscriber(
    _ configuration: RedisSubscriber.Configuration,
    timeLimit: Duration = .seconds(60),
    _ body: @escaping @Sendable (RedisSubscriber) async throws -> Void
) async throws {
    let subscriber = try RedisSubscriber(configuration: configuration, logger: .test)
    try await withTimeLimit(timeLimit) {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await subscriber.run() }
            do {
                try await body(subscriber)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

extension RedisConnection {
    /// `PUBSUB NUMSUB channel` (or `SHARDNUMSUB` with `sharded`): how many connections subscribe to the channel.
    func subscriberCount(_ channel: String, sharded: Bool = false) async throws -> Int64 {
        let reply = try await send(["PUBSUB", sharded ? "SHARDNUMSUB" : "NUMSUB", channel])
        return reply.elements?.last?.integer ?? -1
    }

    /// A field (`psub`, `sub`, `cmd`) of the client named `name` in `CLIENT LIST`, or `nil` when no such client is
    /// connected.
    func clientField(named name: String, _ field: String) async throws -> String? {
        let list = try await send(["CLIENT", "LIST"]).string ?? ""
        for line in list.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.contains(Substring("name=\(name)")) else { continue }
            return fields.first { $0.hasPrefix("\(field)=") }.map { String($0.dropFirst(field.count + 1)) }
        }
        return nil
    }
}

extension RedisPubSubMessage {
    /// A message with a UTF-8 payload.
    init(_ channel: String, _ payload: String, pattern: String? = nil) {
        self.init(channel: channel, payload: ByteBuffer(string: payload), pattern: pattern)
    }
}

/// Events a consumer task collected, for the test to look at.
final class EventLog: Sendable {
    private let storage = Mutex<[RedisSubscription.Event]>([])

    func append(_ event: RedisSubscription.Event) { storage.withLock { $0.append(event) } }

    var events: [RedisSubscription.Event] { storage.withLock { $0 } }
}
