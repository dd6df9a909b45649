public import NIOCore

/// What an origin call returns to a read-through (``ResponseCache/value(forKey:options:load:)``).
public struct ResponseCacheLoad: Sendable {
    enum Base: Sendable {
        case store(ByteBuffer, ResponseCacheEntryOptions?)
        case pass(ByteBuffer)
        case uncached(ByteBuffer)
    }
    let base: Base

    /// Cache the value, with these options (the call's when `nil`).
    public static func store(_ value: ByteBuffer, options: ResponseCacheEntryOptions? = nil) -> Self {
        Self(base: .store(value, options))
    }

    /// Do not cache the value (it turned out private or uncacheable): it goes to this caller only, every caller
    /// waiting on the same key is released at once to call the origin itself, and for a while later callers of the
    /// key call the origin directly instead of queueing behind one another (Varnish's hit-for-pass).
    public static func pass(_ value: ByteBuffer) -> Self { Self(base: .pass(value)) }

    /// Do not cache the value, this time only (an origin error): as ``pass(_:)``, but later callers queue as usual.
    public static func uncached(_ value: ByteBuffer) -> Self { Self(base: .uncached(value)) }
}
