import Synchronization

/// The last samples of the pool's counts, one a second (``PoolSampler`` appends them), for the page's charts.
public final class PoolHistory: Sendable {
    /// One second of the pool.
    public struct Sample: Sendable, Hashable, Codable {
        /// Which sample it is: 0 for the first since the server started, then one more each.
        public var sequence: Int
        /// Connections open or being opened.
        public var total: Int
        /// Connections ready to hand out.
        public var idle: Int
        /// Connections held.
        public var inUse: Int
        /// Acquires waiting.
        public var waiting: Int
        /// The 95th percentile of the acquire waits during the second before it, in milliseconds (0 when none).
        public var p95WaitMilliseconds: Double
        /// How many acquires ended (served or failed) during that second.
        public var acquires: Int

        /// Creates a sample.
        public init(
            sequence: Int,
            total: Int,
            idle: Int,
            inUse: Int,
            waiting: Int,
            p95WaitMilliseconds: Double,
            acquires: Int
        ) {
            self.sequence = sequence
            self.total = total
            self.idle = idle
            self.inUse = inUse
            self.waiting = waiting
            self.p95WaitMilliseconds = p95WaitMilliseconds
            self.acquires = acquires
        }
    }

    /// How many samples are kept.
    public let capacity: Int
    let state: Mutex<(samples: [Sample], next: Int)>

    /// Creates an empty history.
    /// - Parameter capacity: How many samples to keep (the oldest go first), at least one.
    public init(capacity: Int = 120) {
        self.capacity = max(1, capacity)
        state = Mutex(([], 0))
    }

    /// Appends a sample built from `snapshot` and the waits of the last second.
    public func record(_ snapshot: PoolSnapshot, waits: [Duration]) {
        let p95 = PoolMetrics.percentile95(waits)
        let milliseconds = Double(p95.components.seconds) * 1_000 + Double(p95.components.attoseconds) / 1e15
        state.withLock { state in
            state.samples.append(
                Sample(
                    sequence: state.next,
                    total: snapshot.total,
                    idle: snapshot.idle,
                    inUse: snapshot.inUse,
                    waiting: snapshot.waiting,
                    p95WaitMilliseconds: (milliseconds * 1_000).rounded() / 1_000,
                    acquires: waits.count
                )
            )
            state.next += 1
            if state.samples.count > capacity { state.samples.removeFirst(state.samples.count - capacity) }
        }
    }

    /// The samples, oldest first.
    public var samples: [Sample] { state.withLock { $0.samples } }
}
