public import Foundation

extension JobWorker {
    /// How a worker runs.
    public struct Configuration: Hashable, Sendable {
        /// The queues it works and how many jobs of each it runs at once.
        public var queues: [String: Int]
        /// How often it looks for ready jobs when no signal woke it (the fallback to `LISTEN/NOTIFY`).
        public var pollInterval: Duration
        /// How long a claim holds a job unless extended. A job whose worker died runs again after it.
        public var leaseDuration: Duration
        /// How often it extends the leases of its running jobs (and notices cancels): a third of the lease.
        public var heartbeatInterval: Duration
        /// How often it returns jobs with expired leases to their queues.
        public var rescueInterval: Duration
        /// At shutdown, how long running jobs may go on before they are released to other workers.
        public var shutdownGracePeriod: Duration
        /// After a timeout or a cancel, how long a handler has to stop before it is abandoned.
        public var cancelGracePeriod: Duration
        /// How long completed and cancelled jobs (results, histories) are kept.
        public var completedRetention: Duration
        /// How long dead jobs are kept in the dead-letter queue.
        public var deadRetention: Duration
        /// This worker's ID in the store (unique per process start).
        public var workerID: String

        /// Creates a configuration.
        public init(
            queues: [String: Int] = [JobQueueName.default: 10],
            pollInterval: Duration = .seconds(1),
            leaseDuration: Duration = .seconds(30),
            heartbeatInterval: Duration? = nil,
            rescueInterval: Duration = .seconds(5),
            shutdownGracePeriod: Duration = .seconds(25),
            cancelGracePeriod: Duration = .seconds(10),
            completedRetention: Duration = .seconds(24 * 3600),
            deadRetention: Duration = .seconds(7 * 24 * 3600),
            workerID: String = Configuration.defaultWorkerID()
        ) {
            self.queues = queues
            self.pollInterval = pollInterval
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval ?? leaseDuration / 3
            self.rescueInterval = rescueInterval
            self.shutdownGracePeriod = shutdownGracePeriod
            self.cancelGracePeriod = cancelGracePeriod
            self.completedRetention = completedRetention
            self.deadRetention = deadRetention
            self.workerID = workerID
        }

        /// `host:pid:random`.
        public static func defaultWorkerID() -> String {
            let host = ProcessInfo.processInfo.hostName.prefix(40)
            let suffix = String(UInt16.random(in: .min ... .max), radix: 16)
            return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
        }

        /// Checks the values.
        /// - Throws: `JobsError.invalidRequest` naming the first bad value.
        public func validate() throws {
            for (queue, concurrency) in queues {
                try JobLimits.validateName(queue, what: "queue")
                guard (1...1_000).contains(concurrency) else {
                    throw JobsError(.invalidRequest, "a queue's concurrency is between 1 and 1,000 (\(queue))")
                }
            }
            guard leaseDuration >= .milliseconds(100), heartbeatInterval > .zero, heartbeatInterval < leaseDuration
            else {
                throw JobsError(.invalidRequest, "the lease must be at least 100 ms and longer than the heartbeat")
            }
            for (name, value) in [
                ("pollInterval", pollInterval), ("rescueInterval", rescueInterval),
                ("completedRetention", completedRetention), ("deadRetention", deadRetention),
            ] where value <= .zero {
                throw JobsError(.invalidRequest, "\(name) must be positive")
            }
            guard shutdownGracePeriod >= .zero, cancelGracePeriod >= .zero else {
                throw JobsError(.invalidRequest, "grace periods cannot be negative")
            }
            guard (1...200).contains(workerID.utf8.count) else {
                throw JobsError(.invalidRequest, "a worker ID is 1 to 200 bytes")
            }
        }
    }

    /// What a worker did, for tests and observers.
    public enum Event: Hashable, Sendable {
        /// It claimed a job and started its handler.
        case started(JobID, attempt: Int)
        /// It ended its claim (`outcome` is how the attempt ended).
        case finished(JobID, outcome: JobAttempt.Outcome)
        /// Its lease was lost (fenced); the result, if any, was discarded.
        case leaseLost(JobID)
    }
}
