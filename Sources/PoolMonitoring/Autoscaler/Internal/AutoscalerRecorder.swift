import Synchronization

/// The autoscaler's ``PoolObserver``: counts what the pool reports into the current window, in constant memory
/// (a histogram of waits, sums of hold times), and hands the window over at each decision.
final class AutoscalerRecorder: PoolObserver {
    struct Counts: Sendable {
        var waits = WaitHistogram()
        var acquisitions = 0
        var exhausted = 0
        var held = 0
        var heldTotal: Duration = .zero
        var tooManyConnections = 0
        var connectFailures = 0
    }

    let counts = Mutex(Counts())
    let isTooManyConnections: @Sendable (any Error) -> Bool

    init(isTooManyConnections: @escaping @Sendable (any Error) -> Bool) {
        self.isTooManyConnections = isTooManyConnections
    }

    func acquired(wait: Duration) {
        counts.withLock { counts in
            counts.waits.record(wait)
            counts.acquisitions += 1
        }
    }

    func acquireFailed(_ error: PoolError, wait: Duration) {
        // Only a full pool is pressure; a database that is down or a pool shutting down is not helped by growing.
        guard error.code == .exhausted || error.code == .waitQueueFull else { return }
        counts.withLock { counts in
            counts.waits.record(wait)
            counts.exhausted += 1
        }
    }

    func released(held: Duration) {
        counts.withLock { counts in
            counts.held += 1
            counts.heldTotal += held
        }
    }

    func connectFailed(_ error: any Error) {
        let refused = isTooManyConnections(error)
        counts.withLock { counts in
            if refused { counts.tooManyConnections += 1 } else { counts.connectFailures += 1 }
        }
    }

    /// The window since the last call, with the pool's counts now; starts the next window.
    func takeWindow(length: Duration, snapshot: PoolSnapshot) -> AutoscalerWindow {
        let counts = self.counts.withLock { counts in
            defer { counts = Counts() }
            return counts
        }
        var window = AutoscalerWindow(length: length, maximum: snapshot.maximum)
        window.p95Wait = counts.waits.percentile(0.95)
        window.acquisitions = counts.acquisitions
        window.exhausted = counts.exhausted
        window.holdMean = counts.held > 0 ? counts.heldTotal / counts.held : nil
        window.averageInUse = length > .zero ? counts.heldTotal / length : 0
        window.tooManyConnections = counts.tooManyConnections
        window.connectFailures = counts.connectFailures
        window.waiting = snapshot.waiting
        window.inUse = snapshot.inUse
        window.total = snapshot.total
        return window
    }
}
