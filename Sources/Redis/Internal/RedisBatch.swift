import NIOCore

/// The replies of one pipelined batch, gathered on the connection's event loop and handed over together: the caller
/// suspends once for the whole batch instead of once per command.
///
/// Every slot is filled exactly once, with the reply or the error that ended the command; ``promise`` succeeds when
/// the last slot is filled. Only the event loop touches the slots.
final class RedisBatch: Sendable {
    private struct Slots {
        var results: [Result<RESPValue, RedisError>?]
        var filled = 0
    }

    /// Completes with one result per command, in order.
    let promise: EventLoopPromise<[Result<RESPValue, RedisError>]>
    /// The number of commands.
    let count: Int
    private let slots: NIOLoopBoundBox<Slots>

    init(count: Int, eventLoop: any EventLoop) {
        self.count = count
        self.promise = eventLoop.makePromise()
        self.slots = .makeBoxSendingValue(Slots(results: Array(repeating: nil, count: count)), eventLoop: eventLoop)
    }

    /// Fills slot `index` unless it is filled already.
    func record(_ result: Result<RESPValue, RedisError>, at index: Int) {
        guard slots.value.results[index] == nil else { return }
        slots.value.results[index] = result
        slots.value.filled += 1
        if slots.value.filled == count { promise.succeed(slots.value.results.map { $0! }) }
    }

    /// Fills every slot still empty with `error`.
    func failRemaining(_ error: RedisError) {
        for index in 0..<count where slots.value.results[index] == nil { record(.failure(error), at: index) }
    }
}

/// What the replies of one written request complete.
enum RedisReplies: Sendable {
    /// One command, one promise.
    case one(EventLoopPromise<RESPValue>)
    /// A pipelined batch.
    case batch(RedisBatch)

    /// How many replies the request expects.
    var count: Int {
        switch self {
        case .one: 1
        case .batch(let batch): batch.count
        }
    }

    /// Fails every reply not yet received (on the event loop).
    func fail(_ error: RedisError) {
        switch self {
        case .one(let promise): promise.fail(error)
        case .batch(let batch): batch.failRemaining(error)
        }
    }
}
