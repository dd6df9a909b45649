extension MemoryCacheShard {
    /// Removes every entry carrying `tag`.
    /// - Returns: how many were removed.
    mutating func removeAll(taggedWith tag: String) -> Int {
        guard let slots = self.tagIndex[tag] else { return 0 }
        for slot in slots {
            self.remove(slot)
        }
        self.counters.removals += slots.count
        return slots.count
    }

    /// Changes the value of every entry carrying `tag` in place.
    /// - Returns: how many were changed.
    mutating func modifyAll(taggedWith tag: String, _ body: (inout Value) -> Void) -> Int {
        guard let slots = self.tagIndex[tag] else { return 0 }
        for slot in slots {
            body(&self.values[Int(slot)]!)
        }
        return slots.count
    }

    /// Removes every entry for which `predicate` is true.
    /// - Returns: how many were removed.
    mutating func removeAll(where predicate: (String, Value) -> Bool) -> Int {
        var doomed: [Int32] = []
        for position in self.links.indices {
            guard self.marks[position].queue != .free, let value = self.values[position],
                predicate(self.keys[position], value)
            else { continue }
            doomed.append(Int32(position))
        }
        for slot in doomed {
            self.remove(slot)
        }
        self.counters.removals += doomed.count
        return doomed.count
    }

    /// Removes every entry and releases the slab; the frequency sketch and the statistics stay.
    mutating func removeAll() {
        self.counters.removals += self.index.count
        self.links = []
        self.marks = []
        self.keys = []
        self.values = []
        self.tags = []
        self.freeHead = Link.none
        self.index = [:]
        self.tagIndex = [:]
        self.window = MemoryCacheList()
        self.probation = MemoryCacheList()
        self.protected = MemoryCacheList()
    }

    /// The shard's statistics, with its current bytes and count.
    var statistics: MemoryCacheStatistics {
        var statistics = self.counters
        statistics.bytes = self.bytes
        statistics.count = self.count
        return statistics
    }
}
