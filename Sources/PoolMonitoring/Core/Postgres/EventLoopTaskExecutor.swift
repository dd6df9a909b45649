import NIOCore

/// A task executor that runs jobs on one NIO event loop: the pooled connection runs each statement's first,
/// synchronous steps on its connection's own loop (see ``PostgresPooledConnection``).
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: an event loop is thread-safe to enqueue on; the class holds nothing else.
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
