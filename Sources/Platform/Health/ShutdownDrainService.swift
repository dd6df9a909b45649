public import ServiceLifecycle

/// The first service to hear about shutdown: it marks the server unready at once (so `/ready` answers 503 and
/// load balancers drain), waits `drainDelay`, then lets the HTTP server close its listener and finish in-flight
/// requests. Place it after the application in the service group: a group shuts its services down in reverse order.
public struct ShutdownDrainService: Service {
    let readiness: Readiness
    let drainDelay: Duration

    /// Creates the service.
    public init(readiness: Readiness, drainDelay: Duration) {
        self.readiness = readiness
        self.drainDelay = drainDelay
    }

    public func run() async throws {
        try? await gracefulShutdown()
        readiness.beginShutdown()
        if drainDelay > .zero {
            try? await Task.sleep(for: drainDelay)
        }
    }
}
