import Redis
import Synchronization

/// Auto-pipelining for the Redis store: commands issued while others are on the wire are gathered and sent
/// together, as one pipeline on one leased connection (one write, one read of many replies), instead of one command
/// per connection and per round trip.
///
/// At most `maximumInFlight` pipelines run at once. A command arriving while fewer are running is sent at once (a
/// lone request waits for nothing); otherwise it joins the next batch, which leaves as soon as a pipeline returns.
/// Under load this divides the system calls on both sides (ours and redis-server's) by the batch size, which is
/// what lets one process keep up with `redis-benchmark` on shared cores. Replies come back in order, each to its
/// own caller; a server error (`NOSCRIPT`) fails only its own command.
final class RedisCommandBatcher: Sendable {
    typealias Pipeline = @Sendable ([RedisCommand]) async throws -> [Result<RESPValue, RedisError>]

    private struct Waiting: Sendable {
        let command: RedisCommand
        let continuation: CheckedContinuation<RESPValue, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var inFlight = 0
    }

    private let state = Mutex(State())
    private let pipeline: Pipeline
    private let maximumInFlight: Int
    private let maximumBatch: Int

    /// - Parameters:
    ///   - maximumInFlight: Pipelines on the wire at once (each holds one leased connection while it runs).
    ///   - maximumBatch: Commands per pipeline at most.
    ///   - pipeline: Sends commands in one write and returns their replies in order.
    init(maximumInFlight: Int, maximumBatch: Int = 128, pipeline: @escaping Pipeline) {
        self.maximumInFlight = max(1, maximumInFlight)
        self.maximumBatch = max(1, maximumBatch)
        self.pipeline = pipeline
    }

    /// Sends `command` in the next pipeline and returns its reply.
    /// - Throws: `RedisError`: the command's own error reply, or the failure of its whole pipeline (no connection,
    ///   a timeout, a closed connection).
    func send(_ command: RedisCommand) async throws -> RESPValue {
        try await withCheckedThrowingContinuation { continuation in
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
                let replies = try await pipeline(batch.map(\.command))
                for (waiting, reply) in zip(batch, replies) {
                    switch reply {
                    case .success(let value): waiting.continuation.resume(returning: value)
                    case .failure(let error): waiting.continuation.resume(throwing: error)
                    }
                }
                for waiting in batch.dropFirst(replies.count) {
                    waiting.continuation.resume(throwing: RedisError(code: .unexpectedReply, message: "the pipeline returned too few replies"))
                }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
            batch = state.withLock { state in
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
