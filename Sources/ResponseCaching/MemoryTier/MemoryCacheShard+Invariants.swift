extension MemoryCacheShard {
    /// Checks every structural invariant of the shard; for tests.
    /// - Returns: a description of each violation found (empty when the shard is sound).
    func checkInvariants() -> [String] {
        var problems: [String] = []
        var seen = Set<Int32>()
        var charged = 0
        for queue in [Link.Queue.window, .probation, .protected] {
            let list = self[list: queue]
            var bytes = 0
            var count = 0
            var previous = Link.none
            var slot = list.head
            while slot != Link.none {
                let node = self.links[Int(slot)]
                let position = Int(slot)
                if !seen.insert(slot).inserted {
                    problems.append("slot \(slot) linked twice (in \(queue))")
                    break
                }
                if self.marks[position].queue != queue {
                    problems.append("slot \(slot) in \(queue) is marked otherwise")
                }
                if node.previous != previous { problems.append("slot \(slot) has a wrong previous link") }
                if self.values[position] == nil { problems.append("slot \(slot) in \(queue) has no value") }
                if self.index[MemoryCacheKey(self.keys[position], hash: node.hash)] != slot {
                    problems.append("slot \(slot) not indexed")
                }
                for tag in self.tags[position] where self.tagIndex[tag]?.contains(slot) != true {
                    problems.append("slot \(slot) missing from the index of tag \(tag)")
                }
                bytes += node.charge
                count += 1
                previous = slot
                slot = node.next
            }
            if list.tail != previous { problems.append("\(queue) has a wrong tail") }
            if list.bytes != bytes { problems.append("\(queue) counts \(list.bytes) bytes, holds \(bytes)") }
            if list.count != count { problems.append("\(queue) counts \(list.count) entries, holds \(count)") }
            charged += bytes
        }
        if charged != self.bytes { problems.append("bytes \(self.bytes) differ from the charges \(charged)") }
        if self.bytes > self.budget { problems.append("bytes \(self.bytes) exceed the budget \(self.budget)") }
        if self.index.count != seen.count {
            problems.append("index holds \(self.index.count) keys, queues \(seen.count) entries")
        }
        for (key, slot) in self.index
        where !seen.contains(slot) || self.keys[Int(slot)] != key.string || self.links[Int(slot)].hash != key.hash {
            problems.append("index entry \(key) points at slot \(slot), not a live entry of that key")
        }
        for (tag, slots) in self.tagIndex {
            if slots.isEmpty { problems.append("tag \(tag) has an empty set") }
            for slot in slots where !seen.contains(slot) || !self.tags[Int(slot)].contains(tag) {
                problems.append("tag \(tag) lists slot \(slot), which does not carry it")
            }
        }
        var free = 0
        var slot = self.freeHead
        while slot != Link.none, free <= self.links.count {
            if self.marks[Int(slot)].queue != .free { problems.append("free list holds live slot \(slot)") }
            free += 1
            slot = self.links[Int(slot)].next
        }
        if free + seen.count != self.links.count {
            problems.append("\(free) free + \(seen.count) live slots, slab of \(self.links.count)")
        }
        return problems
    }
}
