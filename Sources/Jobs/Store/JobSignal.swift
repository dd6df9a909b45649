/// How workers hear that jobs became ready, instead of waiting for their next poll.
///
/// Producers call ``signal(_:)`` after their jobs are committed; every worker subscribed through
/// ``subscribe()`` (in this process, and in others for a shared signal such as ``PostgresJobSignal``'s
/// `LISTEN/NOTIFY`) receives the queue names. A signal is a hint: workers still poll, so a lost signal delays a
/// job by at most one poll interval and never loses it.
public protocol JobSignal: Sendable {
    /// Announces ready jobs on these queues.
    func signal(_ queues: [String]) async

    /// A new subscription: the names of queues that got ready jobs, possibly coalesced (one name for many
    /// jobs). It ends when the subscriber's task is cancelled or the signal shuts down.
    func subscribe() -> AsyncStream<String>
}
