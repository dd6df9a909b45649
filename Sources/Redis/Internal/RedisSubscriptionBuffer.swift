import NIOCore

/// A subscription's bounded queue of events for its consumer: a pure data structure, tested without I/O.
///
/// It never holds more than `policy.limit` messages. ``RedisSubscription/Event/reconnected`` markers do not count
/// and are never dropped, but no two are ever adjacent (they are merged), so there are at most `limit + 1` of them.
/// Dropped messages are counted on the entry that follows the gap (`droppedBefore`), or at the tail
/// (`droppedAtTail`), and come out as ``RedisSubscription/Event/messagesDropped(_:)`` exactly there.
struct RedisSubscriptionBuffer {
    private enum Item {
        case message(RedisPubSubMessage)
        case reconnected

        var isReconnected: Bool { if case .reconnected = self { true } else { false } }
    }

    private struct Entry {
        var item: Item
        /// Messages dropped just before this entry.
        var droppedBefore: Int
    }

    let policy: RedisSubscription.BufferPolicy
    private var entries: CircularBuffer<Entry>
    /// Messages dropped after the last entry (drop-newest only).
    private var droppedAtTail = 0
    /// How many entries are messages.
    private(set) var messageCount = 0
    /// Every message dropped since the buffer was made.
    private(set) var totalDropped = 0
    /// Dropped messages not yet reported to the consumer.
    private var undelivered = 0

    init(policy: RedisSubscription.BufferPolicy) {
        self.policy = policy
        self.entries = CircularBuffer(initialCapacity: min(policy.limit, 64))
    }

    /// True when nothing is waiting for the consumer.
    var isEmpty: Bool { entries.isEmpty && droppedAtTail == 0 }

    /// Adds a message; returns true when this made the buffer start dropping (it was not dropping before).
    @discardableResult
    mutating func append(_ message: RedisPubSubMessage) -> Bool {
        let wasDropping = undelivered > 0
        if messageCount < policy.limit {
            entries.append(Entry(item: .message(message), droppedBefore: droppedAtTail))
            droppedAtTail = 0
            messageCount += 1
            return false
        }
        totalDropped += 1
        undelivered += 1
        switch policy.base {
        case .dropNewest:
            droppedAtTail += 1
        case .dropOldest:
            entries.append(Entry(item: .message(message), droppedBefore: droppedAtTail))
            droppedAtTail = 0
            messageCount += 1
            dropOldestMessage()
        }
        return !wasDropping
    }

    /// Adds a reconnection marker (merged with one at the tail, which then also reports the messages dropped after
    /// it).
    mutating func appendReconnected() {
        if let last = entries.last, last.item.isReconnected {
            entries[entries.index(before: entries.endIndex)].droppedBefore += droppedAtTail
            droppedAtTail = 0
            return
        }
        entries.append(Entry(item: .reconnected, droppedBefore: droppedAtTail))
        droppedAtTail = 0
    }

    /// Takes the next event for the consumer, or `nil` when there is none.
    mutating func next() -> RedisSubscription.Event? {
        guard var first = entries.first else {
            guard droppedAtTail > 0 else { return nil }
            defer { droppedAtTail = 0 }
            undelivered -= droppedAtTail
            return .messagesDropped(droppedAtTail)
        }
        if first.droppedBefore > 0 {
            let dropped = first.droppedBefore
            first.droppedBefore = 0
            entries[entries.startIndex] = first
            undelivered -= dropped
            return .messagesDropped(dropped)
        }
        entries.removeFirst()
        switch first.item {
        case .message(let message):
            messageCount -= 1
            return .message(message)
        case .reconnected:
            return .reconnected
        }
    }

    /// Removes the oldest message (there is one after it: the message just appended) and carries its count on.
    private mutating func dropOldestMessage() {
        // No two markers are adjacent, so the oldest message is the first or the second entry.
        let marker = entries.first?.item.isReconnected == true ? entries.removeFirst() : nil
        let removed = entries.removeFirst()
        messageCount -= 1
        let carried = removed.droppedBefore + 1
        if let marker, entries[entries.startIndex].item.isReconnected {
            // marker, dropped message, marker: merge the two markers, with every count before them.
            entries[entries.startIndex].droppedBefore += marker.droppedBefore + carried
        } else {
            entries[entries.startIndex].droppedBefore += carried
            if let marker { entries.prepend(marker) }
        }
    }
}
