import ResponseCaching
import Synchronization

/// The hit-ratio peer: a plain byte-bounded LRU behind one lock, charging entries as ``MemoryCache`` does.
///
/// Every insert is admitted; when the entries charge more than the budget, the least recently used go.
public final class LRUMemoryCache<Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: String
        var value: Value?
        var charge: Int
        var previous: Int32
        var next: Int32
    }

    private struct State: Sendable {
        let budget: Int
        var nodes: [Node] = []
        var freeSlots: [Int32] = []
        var index: [String: Int32] = [:]
        /// The least recently used entry.
        var head: Int32 = -1
        /// The most recently used entry.
        var tail: Int32 = -1
        var bytes = 0
        var hits = 0
        var misses = 0

        mutating func unlink(_ slot: Int32) {
            let node = self.nodes[Int(slot)]
            if node.previous == -1 { self.head = node.next } else { self.nodes[Int(node.previous)].next = node.next }
            if node.next == -1 {
                self.tail = node.previous
            } else {
                self.nodes[Int(node.next)].previous = node.previous
            }
        }

        mutating func append(_ slot: Int32) {
            self.nodes[Int(slot)].previous = self.tail
            self.nodes[Int(slot)].next = -1
            if self.tail == -1 { self.head = slot } else { self.nodes[Int(self.tail)].next = slot }
            self.tail = slot
        }

        mutating func remove(_ slot: Int32) -> Value? {
            self.unlink(slot)
            let position = Int(slot)
            self.index[self.nodes[position].key] = nil
            self.bytes -= self.nodes[position].charge
            let value = self.nodes[position].value
            self.nodes[position] = Node(key: "", value: nil, charge: 0, previous: -1, next: -1)
            self.freeSlots.append(slot)
            return value
        }
    }

    private let state: Mutex<State>

    /// Creates an empty cache.
    /// - Parameter budget: the bytes all entries may charge together.
    public init(budget: Int) {
        self.state = Mutex(State(budget: budget))
    }

    /// Returns the value for a key, moving it to the most recently used end.
    public func value(forKey key: String) -> Value? {
        self.state.withLock { state in
            guard let slot = state.index[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            if state.tail != slot {
                state.unlink(slot)
                state.append(slot)
            }
            return state.nodes[Int(slot)].value
        }
    }

    /// Inserts or replaces a value, then evicts least recently used entries until the cache fits its budget.
    /// - Parameters:
    ///   - value: the value.
    ///   - key: the key.
    ///   - cost: the value's bytes; the entry charges `MemoryCache.charge(cost:key:tags:)`.
    ///   - tags: charged for, not indexed.
    /// - Returns: false when the entry alone is larger than the budget.
    @discardableResult
    public func insert(_ value: Value, forKey key: String, cost: Int, tags: [String] = []) -> Bool {
        let charge = MemoryCache<Value>.charge(cost: cost, key: key, tags: tags)
        return self.state.withLock { state in
            if let slot = state.index[key] {
                _ = state.remove(slot)
            }
            guard charge <= state.budget else { return false }
            let node = Node(key: key, value: value, charge: charge, previous: -1, next: -1)
            let slot: Int32
            if let free = state.freeSlots.popLast() {
                slot = free
                state.nodes[Int(slot)] = node
            } else {
                slot = Int32(state.nodes.count)
                state.nodes.append(node)
            }
            state.index[key] = slot
            state.bytes += charge
            state.append(slot)
            while state.bytes > state.budget {
                _ = state.remove(state.head)
            }
            return true
        }
    }

    /// Removes a key's entry.
    @discardableResult
    public func removeValue(forKey key: String) -> Value? {
        self.state.withLock { state in
            guard let slot = state.index[key] else { return nil }
            return state.remove(slot)
        }
    }

    /// Hits, misses, bytes and entries so far.
    public var statistics: (hits: Int, misses: Int, bytes: Int, count: Int) {
        self.state.withLock { ($0.hits, $0.misses, $0.bytes, $0.index.count) }
    }
}
