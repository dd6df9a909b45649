/// The ends and totals of one doubly linked queue of slab slots; the head is the least recently used end.
struct MemoryCacheList: Sendable, Equatable {
    var head: Int32 = -1
    var tail: Int32 = -1
    /// The sum of the charges of the entries linked into the queue.
    var bytes = 0
    var count = 0
}
