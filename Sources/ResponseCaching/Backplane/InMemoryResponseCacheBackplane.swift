/// The backplane of an ``InMemoryResponseCacheStore``: announcements and heartbeats are delivered at once, in order,
/// to every cache listening, unless the store is cut off.
public struct InMemoryResponseCacheBackplane: ResponseCacheBackplane {
    let store: InMemoryResponseCacheStore

    public func listen(_ handler: @escaping @Sendable (ResponseCacheBackplaneEvent) -> Void) async throws {
        let id = store.addListener(handler)
        defer { store.removeListener(id) }
        try? await Task.sleep(for: .seconds(365 * 86_400 * 100))
        try Task.checkCancellation()
    }

    public func heartbeat(instance: String, sentAt: Int64) async throws {
        try store.reachable()
        store.deliver(.heartbeat(instance: instance, sentAt: sentAt))
    }
}
