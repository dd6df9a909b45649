extension MemoryCacheShard {
    /// The totals of one queue.
    subscript(list queue: Link.Queue) -> MemoryCacheList {
        get {
            switch queue {
            case .window: self.window
            case .probation: self.probation
            case .protected: self.protected
            case .free: MemoryCacheList()
            }
        }
        set {
            switch queue {
            case .window: self.window = newValue
            case .probation: self.probation = newValue
            case .protected: self.protected = newValue
            case .free: break
            }
        }
    }

    /// Stores an entry in a free slot (or a new one), unlinked, and returns the slot.
    mutating func allocate(key: String, value: Value, tags: [String], charge: Int, hash: Int) -> Int32 {
        let link = Link(
            previous: Link.none,
            next: Link.none,
            charge: charge,
            hash: hash
        )
        if self.freeHead != Link.none {
            let slot = self.freeHead
            let position = Int(slot)
            self.freeHead = self.links[position].next
            self.links[position] = link
            self.marks[position] = .free
            self.keys[position] = key
            self.values[position] = value
            self.tags[position] = tags
            return slot
        }
        precondition(self.links.count < Int(Int32.max), "MemoryCache: too many entries in one shard")
        self.links.append(link)
        self.marks.append(.free)
        self.keys.append(key)
        self.values.append(value)
        self.tags.append(tags)
        return Int32(self.links.count - 1)
    }

    /// Links an unlinked slot at the most recently used end of a queue.
    mutating func append(_ slot: Int32, to queue: Link.Queue) {
        let position = Int(slot)
        var list = self[list: queue]
        self.marks[position] = Link.Mark(queue: queue, referenced: false)
        self.links[position].previous = list.tail
        self.links[position].next = Link.none
        if list.tail == Link.none {
            list.head = slot
        } else {
            self.links[Int(list.tail)].next = slot
        }
        list.tail = slot
        list.bytes += self.links[position].charge
        list.count += 1
        self[list: queue] = list
    }

    /// Unlinks a slot from the queue it is in.
    mutating func unlink(_ slot: Int32) {
        let link = self.links[Int(slot)]
        let queue = self.marks[Int(slot)].queue
        var list = self[list: queue]
        if link.previous == Link.none {
            list.head = link.next
        } else {
            self.links[Int(link.previous)].next = link.next
        }
        if link.next == Link.none {
            list.tail = link.previous
        } else {
            self.links[Int(link.next)].previous = link.previous
        }
        list.bytes -= link.charge
        list.count -= 1
        self[list: queue] = list
    }

    /// Moves a slot to the most recently used end of the queue it is in.
    mutating func moveToTail(_ slot: Int32) {
        let queue = self.marks[Int(slot)].queue
        guard self[list: queue].tail != slot else { return }
        self.unlink(slot)
        self.append(slot, to: queue)
    }

    /// Removes a live entry everywhere (queue, key index, tag index) and frees its slot.
    /// - Returns: the entry's value.
    @discardableResult
    mutating func remove(_ slot: Int32) -> Value? {
        let position = Int(slot)
        self.unlink(slot)
        self.untag(slot)
        self.index[MemoryCacheKey(self.keys[position], hash: self.links[position].hash)] = nil
        let value = self.values[position]
        self.values[position] = nil
        self.keys[position] = ""
        self.tags[position] = []
        self.links[position] = Link(
            previous: Link.none,
            next: self.freeHead,
            charge: 0,
            hash: 0
        )
        self.marks[position] = .free
        self.freeHead = slot
        return value
    }

    /// Removes a slot from the tag index under each of its tags.
    mutating func untag(_ slot: Int32) {
        for tag in self.tags[Int(slot)] {
            guard var slots = self.tagIndex.removeValue(forKey: tag) else { continue }
            slots.remove(slot)
            if !slots.isEmpty {
                self.tagIndex[tag] = slots
            }
        }
    }
}
