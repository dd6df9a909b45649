import Synchronization

/// Auto-pipelining over a ``RedisClient`` pool: commands sent while others are on the wire are gathered and sent
/// together, as one pipeline on one leased connection (one write, one read of many replies), instead of one command
/// per connection and per round trip.
///
/// ```swift
/// let redis = RedisAutoPipeline(client: pool)
/// let reply = try await redis.evaluate(script, keys: [key], arguments: [limit])   // every typed command works
/// ```
///
/// At most `maximumInFlight` pipelines run at once, each on a connection of the pool. A command arriving while fewer
/// are running leaves at once (a lone command waits for nothing); otherwise it joins the next batch, which leaves as
/// soon as a pipeline returns. Under load this divides the system calls on both sides (ours and redis-server's) by
/// the batch size, as ioredis' `enableAutoPipelining` and Lettuce's command batching do.
///
/// - Replies come back in order, each to its own caller; an error reply (such as `NOSCRIPT`) fails only its own
///   command, so ``RedisCommandExecutor/evaluate(_:keys:arguments:)`` loads a missing script and retries as it does
///   on a connection.
/// - A batch's timeout is the pool's command timeout. A command sent with a timeout of its own does not join a batch:
///   it goes to the pool on its own connection.
/// - Only for commands that stand alone: not for `MULTI`/`EXEC` or blocking commands (`BLPOP`, `XREAD BLOCK`), which
///   would hold up every command batched behind them; send those to the pool.
public final class RedisAutoPipeline: RedisCommandExecutor {
    private struct Waiting: Sendable {
        let command: RedisCommand
        let continuation: CheckedContinuation<RESPValue, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var inFlight = 0
        var pipelines = 0
        var commands = 0
    }

    /// How much batching there has been: pipelines sent and the commands they carried.
    public struct Statistics: Sendable, Hashable {
        /// Pipelines sent.
        public var pipelines: Int
        /// Commands sent in them.
        public var commands: Int

        /// Creates statistics.
        public init(pipelines: Int, commands: Int) {
            self.pipelines = pipelines
            self.commands = commands
        }
    }

    /// The pool the pipelines go to.
    public let client: RedisClient
    /// Pipelines on the wire at once, at most.
    public let maximumInFlight: Int
    /// Commands per pipeline, at most.
    public let maximumBatch: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - client: The pool; each pipeline leases one of its connections while it runs.
    ///   - maximumInFlight: Pipelines on the wire at once (at most the pool's maximum connections; 4 by default).
    ///   - maximumBatch: Commands per pipeline at most (128 by default).
    public init(client: RedisClient, maximumInFlight: Int = 4, maximumBatch: Int = 128) {
        self.client = client
        self.maximumInFlight = max(1, min(maximumInFlight, client.configuration.maximumConnections))
        self.maximumBatch = max(1, maximumBatch)
    }

    /// The pipelines sent so far and the commands they carried.
    public var statistics: Statistics {
        state.withLock { Statistics(pipelines: $0.pipelines, commands: $0.commands) }
    }

    /// Sends `command` in the next pipeline (or alone, with a `timeout` of its own) and returns its reply.
    /// - Throws: ``RedisError``: the command's own error reply, or the failure of its whole pipeline (no connection,
    ///   a timeout, a closed connection).
    public func send(_ command: RedisCommand, timeout: Duration?) async throws -> RESPValue {
        if let timeout { return try await client.send(command, timeout: timeout) }
        return try await withCheckedThrowingContinuation { continuation in
            let batch: [Waiting]? = state.withLock { state in
                state.waiting.append(Waiting(command: command, continuation: continuation))
                guard state.inFlight < maximumInFlight else { return nil }
                state.inFlight += 1
                return Self.take(&state, upTo: maximumBatch)
            }
            if let batch {
                Task { await self.drain(startingWith: batch) }
            }
        }
    }

    /// Sends batches until none is waiting, then gives its slot back.
    private func drain(startingWith first: [Waiting]) async {
        var batch = first
        while !batch.isEmpty {
            do {
                let replies = try await client.pipeline(batch.map(\.command))
                for (waiting, reply) in zip(batch, replies) {
                    switch reply {
                    case .success(let value): waiting.continuation.resume(returning: value)
                    case .failure(let error): waiting.continuation.resume(throwing: error)
                    }
                }
                for waiting in batch.dropFirst(replies.count) {
                    waiting.continuation.resume(
                        throwing: RedisError(code: .unexpectedReply, message: "the pipeline returned too few replies")
                    )
                }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
            let sent = batch.count
            batch = state.withLock { state in
                state.pipelines += 1
                state.commands += sent
                let next = Self.take(&state, upTo: maximumBatch)
                if next.isEmpty { state.inFlight -= 1 }
                return next
            }
        }
    }

    private static func take(_ state: inout State, upTo limit: Int) -> [Waiting] {
        guard state.waiting.count > limit else {
            defer { state.waiting.removeAll(keepingCapacity: true) }
            return state.waiting
        }
        let batch = Array(state.waiting.prefix(limit))
        state.waiting.removeFirst(limit)
        return batch
    }
}
