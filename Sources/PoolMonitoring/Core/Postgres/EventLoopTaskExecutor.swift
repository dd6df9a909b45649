public import NIOCore
import Synchronization

/// A task executor that runs jobs on one NIO event loop.
///
/// The pooled connection runs each statement's first, synchronous steps on its connection's own loop (see
/// ``PostgresPooledConnection``). A task that runs on a loop as a whole (`withTaskExecutorPreference` or
/// `addTask(executorPreference:)` with ``shared(for:)``) is given that loop's connections first by the pool, and its
/// statements, their answers and its turn in the queue then never wake another thread: the same executor object
/// for the same loop, so that entering it again is no switch.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: an event loop is thread-safe to enqueue on; the class holds nothing else.
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    /// The one executor of `loop` (made on first use, kept for the life of the process: a loop lives as long).
    public static func shared(for loop: any EventLoop) -> EventLoopTaskExecutor {
        let key = ObjectIdentifier(loop)
        return executors.withLock { executors in
            if let executor = executors[key] { return executor }
            let executor = EventLoopTaskExecutor(loop)
            executors[key] = executor
            return executor
        }
    }

    private static let executors = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
