/// A key of a shard's index: the string and its `hashValue`, computed once per call outside the lock.
///
/// Hashing the stored hash instead of the string keeps the string's hashing out of the critical section; equality
/// still compares the strings, and the dictionary still mixes the hash with its own per-instance seed.
@usableFromInline
struct MemoryCacheKey: Hashable, Sendable {
    @usableFromInline
    let string: String
    @usableFromInline
    let hash: Int

    @inlinable
    init(_ string: String, hash: Int) {
        self.string = string
        self.hash = hash
    }

    @inlinable
    static func == (left: Self, right: Self) -> Bool {
        left.hash == right.hash && left.string == right.string
    }

    @inlinable
    func hash(into hasher: inout Hasher) {
        hasher.combine(self.hash)
    }
}
