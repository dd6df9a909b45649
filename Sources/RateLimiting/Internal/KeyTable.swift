/// One shard's entries: an open-addressing hash table (linear probing) keyed by a hash computed once per
/// decision, so a decision hashes its key exactly once (a `Dictionary` would hash the key struct again).
///
/// The hash is Swift's seeded SipHash (`Hasher`), so clients choosing keys cannot make them collide on purpose.
/// There are no tombstones: entries are only added between sweeps, and a sweep rebuilds the table without the
/// expired entries (and smaller, when it has emptied), which is also what returns memory after a burst of keys.
struct KeyTable: Sendable {
    struct Key: Sendable, Equatable {
        var policy: String
        var key: String
    }

    /// 0 marks an empty slot; stored hashes are never 0.
    private var hashes: [Int]
    private var keys: [Key]
    private var entries: [InMemoryRateLimitStore.Entry]
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        hashes = Array(repeating: 0, count: size)
        keys = Array(repeating: Key(policy: "", key: ""), count: size)
        entries = Array(
            repeating: InMemoryRateLimitStore.Entry(state: .gcra(theoreticalArrival: 0), expiresAt: 0),
            count: size
        )
    }

    /// The hash the table stores for a policy and key (never 0).
    static func hash(policy: RateLimitPolicy, key: String) -> Int {
        var hasher = Hasher()
        hasher.combine(policy.nameHash)
        hasher.combine(key)
        let hash = hasher.finalize()
        return hash == 0 ? 1 : hash
    }

    /// The slot holding `policy`/`key`, or `nil`.
    func find(_ hash: Int, policy: String, key: String) -> Int? {
        let mask = hashes.count - 1
        var slot = hash & mask
        while true {
            let stored = hashes[slot]
            if stored == 0 { return nil }
            if stored == hash, keys[slot].key == key, keys[slot].policy == policy { return slot }
            slot = (slot + 1) & mask
        }
    }

    /// The entry in `slot` (from ``find(_:policy:key:)``).
    subscript(slot: Int) -> InMemoryRateLimitStore.Entry {
        get { entries[slot] }
        set { entries[slot] = newValue }
    }

    /// Adds an entry that is not in the table.
    mutating func insert(_ hash: Int, policy: String, key: String, _ entry: InMemoryRateLimitStore.Entry) {
        if (count + 1) * 4 > hashes.count * 3 { rebuild(capacity: hashes.count * 2) { _, _ in true } }
        place(hash, Key(policy: policy, key: key), entry)
        count += 1
    }

    /// Removes every entry `shouldRemove` selects; the table shrinks when it becomes mostly empty.
    /// - Returns: How many were removed.
    mutating func removeAll(where shouldRemove: (Key, InMemoryRateLimitStore.Entry) -> Bool) -> Int {
        var doomed = 0
        for slot in hashes.indices where hashes[slot] != 0 && shouldRemove(keys[slot], entries[slot]) { doomed += 1 }
        guard doomed > 0 else { return 0 }
        let remaining = count - doomed
        var capacity = hashes.count
        while capacity > 16, remaining * 8 < capacity { capacity >>= 1 }
        rebuild(capacity: capacity) { !shouldRemove($0, $1) }
        return doomed
    }

    private mutating func place(_ hash: Int, _ key: Key, _ entry: InMemoryRateLimitStore.Entry) {
        let mask = hashes.count - 1
        var slot = hash & mask
        while hashes[slot] != 0 { slot = (slot + 1) & mask }
        hashes[slot] = hash
        keys[slot] = key
        entries[slot] = entry
    }

    private mutating func rebuild(capacity: Int, keeping: (Key, InMemoryRateLimitStore.Entry) -> Bool) {
        let old = (hashes, keys, entries)
        self = KeyTable(capacity: capacity * 3 / 4)
        for slot in old.0.indices where old.0[slot] != 0 && keeping(old.1[slot], old.2[slot]) {
            place(old.0[slot], old.1[slot], old.2[slot])
            count += 1
        }
    }
}
