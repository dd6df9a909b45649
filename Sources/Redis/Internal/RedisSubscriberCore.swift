import Logging
import NIOCore
import Synchronization

/// What a ``RedisSubscriber`` shares with its subscriptions and with its connection's event loop: which
/// subscriptions exist, which names each needs on the server, their buffers and waiting consumers.
///
/// One lock guards it all; the handler calls in on the event loop for every frame. Writes to the connection made
/// under the lock are queued on the event loop (``RedisConnection/subscription(_:subscribe:names:)``), so they reach
/// the server in the order the state changed and no callback runs inside the lock; continuations are resumed after
/// the lock is released.
final class RedisSubscriberCore: Sendable {
    typealias Event = RedisSubscription.Event
    typealias Consumer = CheckedContinuation<Result<Event?, RedisError>, Never>

    /// Why a subscription gets no more events; its consumer still drains the buffer first.
    enum Ending: Sendable {
        /// The subscriber stopped.
        case finished
        /// The server refused to restore it (for instance `NOPERM` after an ACL change).
        case failed(RedisError)
    }

    struct Subscription: Sendable {
        let kind: RedisPubSubKind
        let names: [String]
        var buffer: RedisSubscriptionBuffer
        /// The connection generation that last confirmed it; `nil` until the server first did.
        var confirmedGeneration: Int?
        var ending: Ending?
        /// `subscribe(…)` waiting for the first confirmation.
        var waiter: CheckedContinuation<Void, any Error>?
        /// The consumer waiting in `next()`; set only while the buffer is empty.
        var consumer: Consumer?

        /// Hands an event to the waiting consumer, or buffers it. Returns true when the buffer started dropping.
        mutating func deliver(_ event: Event, wakeups: inout Wakeups) -> Bool {
            if let consumer {
                self.consumer = nil
                wakeups.consumers.append((consumer, .success(event)))
                return false
            }
            switch event {
            case .message(let message): return buffer.append(message)
            case .reconnected: buffer.appendReconnected()
            case .messagesDropped: break
            }
            return false
        }

        /// The consumer's next result now, or `nil` after storing `consumer` to wait for one.
        mutating func take(_ consumer: Consumer) -> Result<Event?, RedisError>? {
            if let event = buffer.next() { return .success(event) }
            switch ending {
            case .finished: return .success(nil)
            case .failed(let error):
                ending = .finished
                return .failure(error)
            case nil:
                guard self.consumer == nil else {
                    return .failure(
                        RedisError(
                            code: .invalidConfiguration,
                            message: "a subscription is iterated by one task at a time"
                        )
                    )
                }
                self.consumer = consumer
                return nil
            }
        }
    }

    enum Lifecycle: Sendable {
        case idle
        case running
        case finished
    }

    struct State: Sendable {
        var lifecycle = Lifecycle.idle
        var connection: RedisConnection?
        /// Counts connections: a confirmation from a later generation than the last one tells of a reconnect.
        var generation = 0
        var nextID = 0
        var subscriptions: [Int: Subscription] = [:]
        /// Which subscriptions listen to each name, by kind.
        var listeners: [RedisPubSubKind: [String: [Int]]] = [:]
    }

    /// Continuations to resume once the lock is released.
    struct Wakeups {
        var waiters: [(CheckedContinuation<Void, any Error>, Result<Void, any Error>)] = []
        var consumers: [(Consumer, Result<Event?, RedisError>)] = []

        func resume() {
            for (waiter, result) in waiters { waiter.resume(with: result) }
            for (consumer, result) in consumers { consumer.resume(returning: result) }
        }
    }

    private let state = Mutex(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    static let closedError = RedisError(code: .connectionClosed, message: "the subscriber is not running")

    // MARK: Lifecycle

    /// Marks the subscriber as running.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when it runs or ran already.
    func start() throws(RedisError) {
        try state.withLock { state throws(RedisError) in
            guard state.lifecycle == .idle else {
                throw RedisError(code: .invalidConfiguration, message: "a RedisSubscriber runs only once")
            }
            state.lifecycle = .running
        }
    }

    /// Makes `connection` the current one and restores every subscription on it, each with its own command.
    /// Returns false when the subscriber has stopped (the caller closes the connection).
    func attach(_ connection: RedisConnection) -> Bool {
        state.withLock { state in
            guard state.lifecycle == .running else { return false }
            state.generation += 1
            state.connection = connection
            for (id, subscription) in state.subscriptions.sorted(by: { $0.key < $1.key })
            where subscription.ending == nil {
                issue(id, subscription, on: connection, generation: state.generation)
            }
            return true
        }
    }

    /// Forgets `connection` once it has closed.
    func detach(_ connection: RedisConnection) {
        state.withLock { state in
            if state.connection === connection { state.connection = nil }
        }
    }

    /// Stops for good: pending `subscribe` calls fail with ``RedisError/Code/connectionClosed``, consumers get what
    /// is buffered and then the end of their sequence. Returns the connection to close.
    func finish() -> RedisConnection? {
        var wakeups = Wakeups()
        let connection = state.withLock { state in
            state.lifecycle = .finished
            state.listeners = [:]
            defer { state.connection = nil }
            for id in Array(state.subscriptions.keys) {
                if state.subscriptions[id]?.confirmedGeneration == nil {
                    if let waiter = state.subscriptions[id]?.waiter {
                        state.subscriptions[id] = nil
                        wakeups.waiters.append((waiter, .failure(Self.closedError)))
                    } else {
                        state.subscriptions[id]?.ending = .failed(Self.closedError)
                    }
                    continue
                }
                if state.subscriptions[id]?.ending == nil { state.subscriptions[id]?.ending = .finished }
                if let consumer = state.subscriptions[id]?.consumer {
                    state.subscriptions[id]?.consumer = nil
                    wakeups.consumers.append((consumer, .success(nil)))
                }
            }
            return state.connection
        }
        wakeups.resume()
        return connection
    }

    // MARK: Subscriptions

    /// Adds a subscription and, when connected, sends its command. Returns its id.
    /// - Throws: ``RedisError/Code/connectionClosed`` when the subscriber has stopped.
    func register(
        _ kind: RedisPubSubKind,
        names: [String],
        policy: RedisSubscription.BufferPolicy
    ) throws(RedisError) -> Int {
        try state.withLock { state throws(RedisError) in
            guard state.lifecycle != .finished else { throw Self.closedError }
            let id = state.nextID
            state.nextID += 1
            let subscription = Subscription(kind: kind, names: names, buffer: RedisSubscriptionBuffer(policy: policy))
            state.subscriptions[id] = subscription
            for name in names { state.listeners[kind, default: [:]][name, default: []].append(id) }
            if let connection = state.connection {
                issue(id, subscription, on: connection, generation: state.generation)
            }
            return id
        }
    }

    /// Waits until the server first confirmed subscription `id`.
    /// - Throws: the server's refusal, ``RedisError/Code/connectionClosed`` when the subscriber stops,
    ///   `CancellationError` (the subscription is then removed).
    func awaitConfirmation(_ id: Int) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { state in
                    guard let subscription = state.subscriptions[id] else { return .failure(Self.closedError) }
                    if case .failed(let error) = subscription.ending {
                        state.subscriptions[id] = nil
                        return .failure(error)
                    }
                    if subscription.confirmedGeneration != nil { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.subscriptions[id]?.waiter = waiter
                    return nil
                }
                if let now { waiter.resume(with: now) }
            }
        } onCancel: {
            abandon(id)
        }
    }

    /// Removes a subscription that `subscribe(…)` gave up on (no ``RedisSubscription`` was handed out).
    func abandon(_ id: Int) {
        end(id, waiterError: CancellationError())
    }

    /// Ends subscription `id`: the consumer's iteration ends, names no other subscription needs are unsubscribed.
    func end(_ id: Int, waiterError: any Error = CancellationError()) {
        var wakeups = Wakeups()
        state.withLock { state in
            guard let subscription = remove(id, from: &state) else { return }
            if let consumer = subscription.consumer { wakeups.consumers.append((consumer, .success(nil))) }
            if let waiter = subscription.waiter { wakeups.waiters.append((waiter, .failure(waiterError))) }
        }
        wakeups.resume()
    }

    /// The consumer's next event; `nil` once the subscription ended. Cancelling the waiting task ends it.
    func next(_ id: Int) async -> Result<Event?, RedisError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (consumer: Consumer) in
                let now: Result<Event?, RedisError>? = state.withLock { state in
                    guard state.subscriptions[id] != nil else { return .success(nil) }
                    if Task.isCancelled {
                        _ = remove(id, from: &state)
                        return .success(nil)
                    }
                    return state.subscriptions[id]?.take(consumer)
                }
                if let now { consumer.resume(returning: now) }
            }
        } onCancel: {
            end(id)
        }
    }

    // MARK: From the event loop

    /// Routes a frame from the connection: a message to every subscription listening to its channel or pattern.
    func receive(_ frame: RedisPubSubFrame) {
        switch frame {
        case .message(let kind, let message):
            let key = kind == .pattern ? (message.pattern ?? "") : message.channel
            var wakeups = Wakeups()
            var startedDropping: [Int] = []
            state.withLock { state in
                guard let ids = state.listeners[kind]?[key] else { return }
                for id in ids where state.subscriptions[id]?.deliver(.message(message), wakeups: &wakeups) == true {
                    startedDropping.append(id)
                }
            }
            wakeups.resume()
            for id in startedDropping {
                logger.debug(
                    "Redis subscription buffer full: dropping messages until its consumer catches up",
                    metadata: ["redis.subscription": "\(id)", "redis.channel": "\(key)"]
                )
            }
        case .confirmation(let kind, let isSubscribe, let name):
            logger.debug(
                "Redis sent a pub/sub confirmation no command was waiting for",
                metadata: [
                    "redis.command": "\(isSubscribe ? kind.subscribeCommand : kind.unsubscribeCommand)",
                    "redis.channel": "\(name ?? "")",
                ]
            )
        }
    }

    /// The outcome of a subscription's command on connection `generation`.
    private func confirmed(_ id: Int, generation: Int, result: Result<Void, any Error>) {
        var wakeups = Wakeups()
        state.withLock { state in
            guard let subscription = state.subscriptions[id], subscription.ending == nil else { return }
            switch result {
            case .success:
                if let last = subscription.confirmedGeneration {
                    guard generation > last else { return }
                    state.subscriptions[id]?.confirmedGeneration = generation
                    _ = state.subscriptions[id]?.deliver(.reconnected, wakeups: &wakeups)
                } else {
                    state.subscriptions[id]?.confirmedGeneration = generation
                    if let waiter = subscription.waiter {
                        state.subscriptions[id]?.waiter = nil
                        wakeups.waiters.append((waiter, .success(())))
                    }
                }
            case .failure(let error as RedisError) where error.code == .serverError:
                let error = error.clarifyingShardedPubSub(command: subscription.kind.subscribeCommand)
                logger.debug(
                    "Redis refused a subscription",
                    metadata: [
                        "redis.command": "\(subscription.kind.subscribeCommand)", "redis.error": "\(error)",
                        "redis.subscription": "\(id)",
                    ]
                )
                if let waiter = subscription.waiter {
                    _ = remove(id, from: &state)
                    wakeups.waiters.append((waiter, .failure(error)))
                } else {
                    unlisten(id, subscription, state: &state)
                    state.subscriptions[id]?.ending = .failed(error)
                    if let consumer = subscription.consumer {
                        state.subscriptions[id]?.consumer = nil
                        state.subscriptions[id]?.ending = .finished
                        wakeups.consumers.append((consumer, .failure(error)))
                    }
                }
            case .failure:
                // The connection failed: the next one restores the subscription.
                return
            }
        }
        wakeups.resume()
    }

    // MARK: Under the lock

    /// Sends subscription `id`'s command on `connection`.
    private func issue(_ id: Int, _ subscription: Subscription, on connection: RedisConnection, generation: Int) {
        connection.subscription(subscription.kind, subscribe: true, names: subscription.names).whenComplete {
            [self] result in
            confirmed(id, generation: generation, result: result)
        }
    }

    /// Removes subscription `id` (unsubscribing what no one else needs) and returns it.
    private func remove(_ id: Int, from state: inout State) -> Subscription? {
        guard let subscription = state.subscriptions.removeValue(forKey: id) else { return nil }
        if subscription.ending == nil { unlisten(id, subscription, state: &state) }
        return subscription
    }

    /// Stops routing messages to subscription `id`; names left with no listener are unsubscribed on the server.
    private func unlisten(_ id: Int, _ subscription: Subscription, state: inout State) {
        var unused: [String] = []
        for name in subscription.names {
            state.listeners[subscription.kind]?[name]?.removeAll { $0 == id }
            if state.listeners[subscription.kind]?[name]?.isEmpty == true {
                state.listeners[subscription.kind]?[name] = nil
                unused.append(name)
            }
        }
        guard !unused.isEmpty, let connection = state.connection else { return }
        let command = subscription.kind.unsubscribeCommand
        connection.subscription(subscription.kind, subscribe: false, names: unused).whenFailure { [logger] error in
            logger.debug(
                "Redis unsubscribe failed",
                metadata: ["redis.command": "\(command)", "redis.error": "\(error)"]
            )
        }
    }
}
