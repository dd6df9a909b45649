import CoreMetrics
import Synchronization

/// The job system's metrics, per queue (created on a queue's first use, then cached):
/// `jobs_enqueued_total`, `jobs_started_total`, `jobs_completed_total`, `jobs_failed_total` (failed attempts,
/// timeouts included), `jobs_dead_total`, `jobs_start_latency_seconds` (from `runAt` to the claim),
/// `jobs_run_duration_seconds`, and the gauges `jobs_ready`, `jobs_scheduled`, `jobs_running`, `jobs_dead`
/// (the dead-letter queue's size) and `jobs_oldest_ready_age_seconds`, set by ``JobStatisticsService``.
final class JobMetrics: Sendable {
    struct Queue: Sendable {
        let enqueued, started, completed, failed, dead: Counter
        let startLatency, runDuration: Timer
        let ready, scheduled, running, deadLetter, oldestReadyAge: Gauge
    }

    let factory: any MetricsFactory
    let queues = Mutex<[String: Queue]>([:])

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// The metrics of one queue.
    func queue(_ name: String) -> Queue {
        if let queue = queues.withLock({ $0[name] }) { return queue }
        let dimensions = [("queue", name)]
        func counter(_ label: String) -> Counter { Counter(label: label, dimensions: dimensions, factory: factory) }
        func gauge(_ label: String) -> Gauge { Gauge(label: label, dimensions: dimensions, factory: factory) }
        func timer(_ label: String) -> Timer {
            Timer(label: label, dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        }
        let queue = Queue(
            enqueued: counter("jobs_enqueued_total"),
            started: counter("jobs_started_total"),
            completed: counter("jobs_completed_total"),
            failed: counter("jobs_failed_total"),
            dead: counter("jobs_dead_total"),
            startLatency: timer("jobs_start_latency_seconds"),
            runDuration: timer("jobs_run_duration_seconds"),
            ready: gauge("jobs_ready"),
            scheduled: gauge("jobs_scheduled"),
            running: gauge("jobs_running"),
            deadLetter: gauge("jobs_dead"),
            oldestReadyAge: gauge("jobs_oldest_ready_age_seconds")
        )
        return queues.withLock { queues in
            if let existing = queues[name] { return existing }
            queues[name] = queue
            return queue
        }
    }

    /// The process-wide instance on the bootstrapped factory.
    static let shared = JobMetrics()
}
