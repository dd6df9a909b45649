/// The summary form of `XPENDING key group`: what a consumer group has delivered and not yet acknowledged.
public struct RedisStreamPendingSummary: Hashable, Sendable {
    /// One consumer's share of the pending entries.
    public struct Consumer: Hashable, Sendable {
        /// The consumer's name.
        public var name: String
        /// How many entries are pending for it.
        public var count: Int

        /// Creates a consumer's share.
        public init(name: String, count: Int) {
            self.name = name
            self.count = count
        }
    }

    /// How many entries are pending in the group.
    public var count: Int
    /// The smallest pending ID; `nil` when nothing is pending.
    public var lowestID: RedisStreamID?
    /// The greatest pending ID; `nil` when nothing is pending.
    public var highestID: RedisStreamID?
    /// Each consumer with pending entries, in the order the server sent them.
    public var consumers: [Consumer]

    /// Creates a summary.
    public init(count: Int, lowestID: RedisStreamID?, highestID: RedisStreamID?, consumers: [Consumer]) {
        self.count = count
        self.lowestID = lowestID
        self.highestID = highestID
        self.consumers = consumers
    }
}

/// One entry of the extended form of `XPENDING`: who holds it, for how long, and how often it was delivered.
public struct RedisStreamPendingEntry: Hashable, Sendable {
    /// The entry's ID.
    public var id: RedisStreamID
    /// The consumer it was last delivered to.
    public var consumer: String
    /// The time since it was last delivered.
    public var idleTime: Duration
    /// How many times it was delivered (a count that keeps growing marks a message that fails every time).
    public var deliveryCount: Int

    /// Creates a pending entry.
    public init(id: RedisStreamID, consumer: String, idleTime: Duration, deliveryCount: Int) {
        self.id = id
        self.consumer = consumer
        self.idleTime = idleTime
        self.deliveryCount = deliveryCount
    }
}

/// What `XAUTOCLAIM` did: the entries it claimed, where to continue, and the pending IDs whose entries were gone.
public struct RedisStreamAutoClaim: Hashable, Sendable {
    /// Where the next call should start; ``RedisStreamID/zero`` when the whole pending list was scanned.
    public var nextID: RedisStreamID
    /// The entries now pending for the claiming consumer, with their fields (their delivery count went up by one).
    public var entries: [RedisStreamEntry]
    /// Pending IDs whose entries were deleted from the stream: Redis removed them from the pending list.
    public var deletedIDs: [RedisStreamID]

    /// Creates a result.
    public init(nextID: RedisStreamID, entries: [RedisStreamEntry], deletedIDs: [RedisStreamID]) {
        self.nextID = nextID
        self.entries = entries
        self.deletedIDs = deletedIDs
    }
}

extension RedisStreamPendingSummary {
    /// Reads `[count, lowest, highest, [[consumer, count], …]]`; the IDs and the consumers are null when nothing is
    /// pending.
    init?(reply: RESPValue) {
        guard let parts = reply.elements, parts.count == 4, let count = parts[0].int,
            let consumers = parts[3].elementsOrEmpty
        else { return nil }
        let lowest = RedisStreamID(reply: parts[1])
        let highest = RedisStreamID(reply: parts[2])
        guard lowest != nil || parts[1].isNull, highest != nil || parts[2].isNull else { return nil }
        var shares: [Consumer] = []
        shares.reserveCapacity(consumers.count)
        for consumer in consumers {
            guard let pair = consumer.elements, pair.count == 2, let name = pair[0].string, let count = pair[1].int
            else { return nil }
            shares.append(Consumer(name: name, count: count))
        }
        self.init(count: count, lowestID: lowest, highestID: highest, consumers: shares)
    }
}

extension RedisStreamPendingEntry {
    /// Reads `[id, consumer, idle milliseconds, delivery count]`.
    init?(reply: RESPValue) {
        guard let parts = reply.elements, parts.count == 4, let id = RedisStreamID(reply: parts[0]),
            let consumer = parts[1].string, let idle = parts[2].int, let deliveries = parts[3].int
        else { return nil }
        self.init(id: id, consumer: consumer, idleTime: .milliseconds(idle), deliveryCount: deliveries)
    }
}

extension RedisStreamAutoClaim {
    /// Reads `[next id, entries, deleted ids]` (Redis 7; Redis 6.2 sends the first two only).
    init?(reply: RESPValue) {
        guard let parts = reply.elements, parts.count == 2 || parts.count == 3,
            let next = RedisStreamID(reply: parts[0]), let entries = RedisStreamEntry.list(from: parts[1])
        else { return nil }
        var deleted: [RedisStreamID] = []
        if parts.count == 3 {
            guard let ids = parts[2].elementsOrEmpty else { return nil }
            for id in ids {
                guard let parsed = RedisStreamID(reply: id) else { return nil }
                deleted.append(parsed)
            }
        }
        self.init(nextID: next, entries: entries, deletedIDs: deleted)
    }
}
