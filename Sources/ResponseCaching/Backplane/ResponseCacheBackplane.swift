/// How instances hear each other's invalidations: FusionCache's backplane.
///
/// Invalidations are announced by the store that records them (atomically, in Redis); the backplane delivers them,
/// and carries each instance's heartbeats, so that an instance knows up to when it has heard everything: a heartbeat
/// it sent at time *t* and received back proves that every announcement made before *t* has reached it (one
/// connection delivers in order).
public protocol ResponseCacheBackplane: Sendable {
    /// Listens until cancelled, giving every event to `handler` in order.
    /// - Throws: `CancellationError`, or an error that ends listening for good (a configuration the server refuses).
    func listen(_ handler: @escaping @Sendable (ResponseCacheBackplaneEvent) -> Void) async throws

    /// Sends a heartbeat of `instance`, made at `sentAt`, through the backplane.
    func heartbeat(instance: String, sentAt: Int64) async throws
}

/// What the backplane delivers.
public enum ResponseCacheBackplaneEvent: Sendable, Hashable {
    /// An invalidation announced by an instance (this one included).
    case invalidation(ResponseCacheInvalidation)
    /// A heartbeat of `instance`, sent at `sentAt` (milliseconds since the epoch).
    case heartbeat(instance: String, sentAt: Int64)
    /// Announcements may have been missed (the connection was lost and restored, or the consumer fell behind): an
    /// instance forgets what it holds in process.
    case gap
}
