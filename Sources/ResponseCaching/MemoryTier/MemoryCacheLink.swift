/// The policy's view of one slot of a shard's slab: its neighbours in its queue and what it charges.
///
/// Slots refer to each other by `Int32` index instead of by reference, so a shard holds a few parallel arrays
/// (these links, the marks, the keys, the values, the tags) instead of a class instance per entry; the links cost
/// no reference counting, and the policy's work (moves, evictions) touches only small, non-generic structs.
@usableFromInline
struct MemoryCacheLink: Sendable {
    /// The queue a slot is linked into.
    @usableFromInline
    enum Queue: UInt8, Sendable {
        /// The admission window: an LRU of new entries, about 1 % of the shard's bytes.
        case window
        /// The main space's probationary segment: entries admitted from the window, or demoted.
        case probation
        /// The main space's protected segment: entries hit again while on probation, about 80 % of the main space.
        case protected
        /// A free slot, on the free list (linked through `next`).
        case free
    }

    /// The "no slot" index.
    static var none: Int32 { -1 }

    /// The two bytes of a slot a hit reads and writes, kept in their own small array (`marks`) so the hit path
    /// stays in cache and never touches the links.
    @usableFromInline
    struct Mark: Sendable {
        /// The queue the slot is linked into.
        @usableFromInline
        var queue: Queue
        /// Set by a hit in the window or the protected segment instead of moving the entry (a CLOCK approximation
        /// of LRU); an entry reaching its queue's head with the bit set gets a second chance at the tail instead
        /// of leaving.
        @usableFromInline
        var referenced: Bool

        /// A free slot's mark.
        static var free: Mark { Mark(queue: .free, referenced: false) }
    }

    var previous: Int32
    var next: Int32
    /// The bytes the entry charges against the budget.
    var charge: Int
    /// The `hashValue` of the key, kept for the frequency sketch.
    var hash: Int
}
