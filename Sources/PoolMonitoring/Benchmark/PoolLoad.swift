import Benchmarking
import Histogram
import Synchronization

/// A closed loop: `tasks` tasks each run one operation after another, first for `warmUp` (not counted: connections
/// open, caches fill), then for `duration`, counted. An operation may return the time it waited for its connection
/// (from the call to `withConnection` to entering its body), which goes into an HdrHistogram in microseconds.
struct PoolLoad: Sendable {
    /// What one run measured.
    struct Result: Sendable {
        /// Operations completed during the measured window.
        var operations: Int
        /// The measured window.
        var elapsed: Duration
        /// The acquire waits of the operations completed in the window, in microseconds (empty when the operation
        /// returned none).
        var waits: Histogram<UInt64>

        /// Operations per second.
        var perSecond: Double { Double(operations) / (elapsed.microseconds / 1_000_000) }
    }

    /// The phase every task reads after each operation.
    final class Phase: Sendable {
        static let warmingUp = 0
        static let measuring = 1
        static let stopping = 2

        let value = Atomic<Int>(Phase.warmingUp)

        var current: Int { value.load(ordering: .relaxed) }
    }

    /// Concurrent tasks.
    var tasks: Int
    /// Run before the window, not counted.
    var warmUp: Duration
    /// The measured window.
    var duration: Duration
    /// Where the tasks run: task `i` on `executors[i % count]` as its preferred executor, or Swift's default
    /// executor when empty.
    var executors: [any TaskExecutor] = []

    /// Runs the loop.
    /// - Parameter operation: One operation of the task whose index (from 0) it is given; returns its acquire wait,
    ///   or nil when it does not measure one.
    /// - Throws: The first error an operation throws (the others finish their operation and stop); a
    ///   ``BenchmarkError`` when nothing was completed in the window.
    func run(_ operation: @escaping @Sendable (Int) async throws -> Duration?) async throws -> Result {
        let phase = Phase()
        let clock = ContinuousClock()
        return try await withThrowingTaskGroup(of: (Int, [UInt64]).self) { group in
            for task in 0..<tasks {
                group.addTask(executorPreference: executors.isEmpty ? nil : executors[task % executors.count]) {
                    var count = 0
                    var iterations = 0
                    var waits: [UInt64] = []
                    while phase.current != Phase.stopping {
                        let wait = try await operation(task)
                        // An acquire that finds an idle connection and a release without reset never suspend:
                        // without a yield, as many looping tasks as executor threads would starve everything
                        // else (the timer of this very loop). Every 32nd operation costs one yield, on every side.
                        iterations &+= 1
                        if iterations & 31 == 0 { await Task.yield() }
                        guard phase.current == Phase.measuring else { continue }
                        count += 1
                        if let wait { waits.append(UInt64(min(max(wait.microseconds, 1), 60_000_000))) }
                    }
                    return (count, waits)
                }
            }
            try await clock.sleep(for: warmUp)
            phase.value.store(Phase.measuring, ordering: .relaxed)
            let start = clock.now
            try await clock.sleep(for: duration)
            phase.value.store(Phase.stopping, ordering: .relaxed)
            let elapsed = start.duration(to: clock.now)
            var operations = 0
            var histogram = LatencyProbe.makeHistogram()
            for try await (count, waits) in group {
                operations += count
                for wait in waits { histogram.record(wait) }
            }
            guard operations > 0 else {
                throw BenchmarkError(code: .invalidMeasurement, message: "no operation completed in \(duration)")
            }
            return Result(operations: operations, elapsed: elapsed, waits: histogram)
        }
    }
}
