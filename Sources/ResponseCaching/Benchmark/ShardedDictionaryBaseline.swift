import Synchronization

/// The throughput baseline: a bare `[String: Value]` split into shards by the key's hash, each behind a `Mutex`,
/// with no budget, no policy and no statistics.
///
/// The shards sit in one buffer, as in ``MemoryCache``, so the comparison measures the policy's cost alone.
//
// `@unchecked Sendable` is safe: `shards` is allocated in `init`, never reassigned, freed in `deinit`, and every
// access to a shard goes through its `Mutex`.
public final class ShardedDictionaryBaseline<Value: Sendable>: @unchecked Sendable {
    private typealias Shard = Mutex<[String: Value]>

    private let shards: UnsafeMutablePointer<Shard>
    private let shardMask: Int

    /// Creates an empty map.
    /// - Parameter shards: the number of shards, a power of two (use a ``MemoryCache``'s `shardCount` to compare).
    public init(shards: Int) {
        precondition(shards > 0 && shards & (shards - 1) == 0, "shards must be a power of two")
        self.shards = UnsafeMutablePointer<Shard>.allocate(capacity: shards)
        for index in 0..<shards {
            (self.shards + index).initialize(to: Mutex([:]))
        }
        self.shardMask = shards - 1
    }

    deinit {
        self.shards.deinitialize(count: self.shardMask + 1)
        self.shards.deallocate()
    }

    /// Returns the value for a key.
    public func value(forKey key: String) -> Value? {
        self.shards[key.hashValue & self.shardMask].withLock { $0[key] }
    }

    /// Inserts or replaces a value.
    public func insert(_ value: Value, forKey key: String) {
        self.shards[key.hashValue & self.shardMask].withLock { $0[key] = value }
    }

    /// The number of entries.
    public var count: Int {
        (0...self.shardMask).reduce(0) { total, index in total + self.shards[index].withLock { $0.count } }
    }
}
