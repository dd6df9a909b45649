import Synchronization

/// A ``JobSignal`` within one process: signals go straight to this process's subscribers. The in-memory and
/// SQLite stores use it (workers in other processes on one SQLite file rely on polling).
public final class LocalJobSignal: JobSignal {
    struct Subscribers {
        var next = 0
        var continuations: [Int: AsyncStream<String>.Continuation] = [:]
    }

    let subscribers = Mutex(Subscribers())

    /// Creates a signal with no subscribers.
    public init() {}

    public func signal(_ queues: [String]) async {
        deliver(queues)
    }

    /// Delivers queue names to every subscriber now (synchronously; never blocks: each subscription keeps only
    /// the newest 64 names).
    public func deliver(_ queues: [String]) {
        let continuations = subscribers.withLock { Array($0.continuations.values) }
        for continuation in continuations {
            for queue in queues { continuation.yield(queue) }
        }
    }

    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(64))
        let id = subscribers.withLock { subscribers in
            let id = subscribers.next
            subscribers.next += 1
            subscribers.continuations[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every subscription.
    public func finish() {
        let continuations = subscribers.withLock { subscribers in
            defer { subscribers.continuations.removeAll() }
            return Array(subscribers.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
