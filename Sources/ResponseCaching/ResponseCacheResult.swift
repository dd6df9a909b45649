public import NIOCore

/// What a read-through returned, and where it came from (for `Cache-Status` and the metrics).
public struct ResponseCacheResult: Sendable {
    /// Where the value came from.
    public enum Source: Sendable, Hashable {
        /// A fresh entry of the in-process tier.
        case memory
        /// A fresh entry of the shared tier (Redis).
        case shared
        /// This caller's own origin call.
        case origin
        /// Another caller's origin call that this one waited for (single-flight, in this instance or another).
        case collapsed
        /// A stale entry, served while a background call refreshes it (stale-while-revalidate or early refresh).
        case revalidating
        /// A stale entry, served because the origin failed or passed its timeout (stale-if-error, fail-safe).
        case staleOnError
        /// The origin's answer, not cached (hit-for-pass).
        case pass
    }

    /// The value.
    public var value: ByteBuffer
    /// The entry it came from or went into (`nil` for a pass).
    public var entry: ResponseCacheEntry?
    /// Where it came from.
    public var source: Source
    /// Whether this call stored a new entry.
    public var stored: Bool

    /// Creates a result.
    public init(value: ByteBuffer, entry: ResponseCacheEntry?, source: Source, stored: Bool = false) {
        self.value = value
        self.entry = entry
        self.source = source
        self.stored = stored
    }

    /// Whether a cached entry answered (fresh or stale), rather than an origin call.
    public var isHit: Bool {
        switch source {
        case .memory, .shared, .revalidating, .staleOnError: true
        case .origin, .collapsed, .pass: false
        }
    }
}
