import PostgresNIO
import Synchronization

extension ConnectionPool {
    /// The settings the pool works with now: those it was created with, with the limits of the last
    /// ``resize(minimum:maximum:)`` and the threshold of the last ``setLeakThreshold(_:)``.
    public var currentConfiguration: PoolConfiguration {
        state.withLock { $0.configuration }
    }

    /// Changes the leak threshold while the pool runs: held connections are measured against it from the next
    /// maintenance pass (a connection already reported is not reported again).
    /// - Parameter threshold: The new threshold; nil turns leak detection off.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` when it is not positive or is above
    ///   the reclaim limit (the threshold is unchanged).
    public func setLeakThreshold(_ threshold: Duration?) throws {
        try state.withLock { state in
            if let threshold {
                guard threshold > .zero else {
                    throw PoolError(.invalidConfiguration, "leakThreshold must be > 0")
                }
                if let limit = state.configuration.leakReclaimLimit, limit < threshold {
                    throw PoolError(.invalidConfiguration, "leakReclaimLimit must be >= leakThreshold")
                }
            }
            state.configuration.leakThreshold = threshold
        }
    }
}

extension ConnectionPool {
    /// Changes the acquire timeout while the pool runs: acquires that start waiting from now on use it.
    /// - Parameter timeout: The new timeout.
    /// - Throws: ``PoolError`` with code ``PoolError/Code/invalidConfiguration`` when it is not positive.
    public func setAcquireTimeout(_ timeout: Duration) throws {
        guard timeout > .zero else { throw PoolError(.invalidConfiguration, "acquireTimeout must be > 0") }
        state.withLock { $0.configuration.acquireTimeout = timeout }
    }
}

extension PostgresPoolConnectionFactory {
    /// What `pg_stat_activity.application_name` shows for the connections this factory opens.
    public var applicationName: String {
        configuration.options.additionalStartupParameters.first { $0.0 == "application_name" }?.1 ?? ""
    }
}
