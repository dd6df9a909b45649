import Synchronization

/// Values sent to every current subscriber (each keeps the newest `capacity` it has not read yet).
final class Broadcast<Value: Sendable>: Sendable {
    struct Subscribers {
        var next = 0
        var continuations: [Int: AsyncStream<Value>.Continuation] = [:]
    }

    let subscribers = Mutex(Subscribers())
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func send(_ value: Value) {
        let continuations = subscribers.withLock { Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(value) }
    }

    func subscribe() -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream.makeStream(of: Value.self, bufferingPolicy: .bufferingNewest(capacity))
        let id = subscribers.withLock { subscribers in
            defer { subscribers.next += 1 }
            subscribers.continuations[subscribers.next] = continuation
            return subscribers.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func finish() {
        let continuations = subscribers.withLock { subscribers in
            defer { subscribers.continuations.removeAll() }
            return Array(subscribers.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
