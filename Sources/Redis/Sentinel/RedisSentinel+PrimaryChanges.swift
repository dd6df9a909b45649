extension RedisSentinel {
    /// Watches the sentinels for failovers: an endless sequence of the primary's new addresses.
    ///
    /// ```swift
    /// for await change in try sentinel.primaryChanges() {
    ///     pool.dropConnections(to: change.previous)   // new connections find change.current
    /// }
    /// ```
    ///
    /// Iterating holds one connection to one sentinel, subscribed to its `+switch-master` announcements. The first
    /// element is the primary the sentinel names when the watch starts (cause ``PrimaryChange/Cause/discovered``);
    /// after that, an element comes for every completed failover (``PrimaryChange/Cause/switchMaster``). When the
    /// watched sentinel goes away (closes, fails, or stays silent through a `PING`, see
    /// ``Configuration/healthCheckInterval``), the watch moves to the next sentinel, the lost one last; when it finds
    /// the primary moved meanwhile, it reports that too (``PrimaryChange/Cause/discovered``). When no sentinel can be
    /// reached it retries, pausing between rounds as `backoff` says. An address is never reported twice in a row.
    ///
    /// The sequence ends only when the iterating task is cancelled (or the iterator is dropped, which closes the
    /// connection).
    /// - Parameter backoff: The pauses between rounds in which no sentinel could be watched.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when `backoff` cannot be used.
    public func primaryChanges(
        backoff: RedisBackoff = RedisBackoff()
    ) throws(RedisError)
        -> PrimaryChanges<ContinuousClock>
    {
        try primaryChanges(backoff: backoff, clock: ContinuousClock())
    }

    /// Watches the sentinels for failovers, pausing on `clock`; see ``primaryChanges(backoff:)``.
    /// - Throws: ``RedisError/Code/invalidConfiguration`` when `backoff` cannot be used.
    public func primaryChanges<C: Clock>(
        backoff: RedisBackoff = RedisBackoff(),
        clock: C
    ) throws(RedisError)
        -> PrimaryChanges<C>
    {
        try backoff.validate()
        return PrimaryChanges(sentinel: self, backoff: backoff, clock: clock)
    }

    /// The primary's addresses as failovers move it; see ``RedisSentinel/primaryChanges(backoff:)``.
    public struct PrimaryChanges<C: Clock>: AsyncSequence, Sendable where C.Duration == Duration {
        public typealias Element = PrimaryChange
        public typealias Failure = Never

        let sentinel: RedisSentinel
        let backoff: RedisBackoff
        let clock: C

        /// Starts a watch; it connects on the first call to `next()`.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(watch: PrimaryWatch(sentinel: sentinel, backoff: backoff, clock: clock))
        }

        /// One watch: it holds a connection to one sentinel while it exists.
        public struct AsyncIterator: AsyncIteratorProtocol {
            public typealias Element = PrimaryChange
            public typealias Failure = Never

            let watch: PrimaryWatch<C>

            /// Waits for the next change of the primary's address.
            /// - Returns: The change, or `nil` when the task is cancelled.
            public mutating func next() async -> PrimaryChange? {
                await watch.next()
            }
        }
    }
}
