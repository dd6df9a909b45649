/// The sliding-window log's entries: one per admitted request, carrying its cost, in ascending time order (oldest
/// first), with a moving head so dropping old entries costs nothing until the buffer is compacted.
///
/// Each entry keeps the running total of the costs appended so far (its own included), so the units in any
/// suffix of the log are one subtraction away and the entry holding the n-th live unit is a binary search: every
/// query is O(log entries), whatever the costs. The state is proportional to the admitted requests in the window
/// (at most `limit` entries, since each holds at least one unit), never to the units they consumed.
struct TimestampLog: Sendable {
    struct Entry: Sendable {
        /// When the request was admitted (µs).
        var time: Int64
        /// The costs of every entry appended so far, this one's included.
        var total: Int64
    }

    private var entries: [Entry] = []
    private var head = 0
    /// The running total before `entries[0]` (what compacted entries had consumed).
    private var base: Int64 = 0

    /// The number of entries held (live and not yet dropped).
    var entryCount: Int { entries.count - head }

    /// The number of units in entries newer than `cutoff`.
    func count(after cutoff: Int64) -> Int {
        guard let last = entries.last else { return 0 }
        return Int(last.total - total(before: firstIndex(after: cutoff)))
    }

    /// The time of the entry that holds the `offset`-th live unit (0 = the oldest unit newer than `cutoff`).
    func live(after cutoff: Int64, at offset: Int) -> Int64 {
        let first = firstIndex(after: cutoff)
        let target = total(before: first) + Int64(offset)
        // The first entry whose running total passes `target`.
        var low = first
        var high = entries.count - 1
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].total > target { high = middle } else { low = middle + 1 }
        }
        return entries[low].time
    }

    /// The newest entry newer than `cutoff`.
    func newest(after cutoff: Int64) -> Int64? {
        guard let last = entries.last, last.time > cutoff else { return nil }
        return last.time
    }

    /// Drops entries at or before `cutoff`.
    mutating func drop(through cutoff: Int64) {
        head = firstIndex(after: cutoff)
        if head > 32, head * 2 > entries.count {
            base = entries[head - 1].total
            entries.removeFirst(head)
            head = 0
        }
    }

    /// Appends one entry of `count` units at `time` (not before the newest).
    mutating func append(_ time: Int64, count: Int) {
        entries.append(Entry(time: time, total: (entries.last?.total ?? base) + Int64(count)))
    }

    /// The running total before the entry at `index`.
    private func total(before index: Int) -> Int64 {
        index == 0 ? base : entries[index - 1].total
    }

    /// Binary search for the first live index whose time is after `cutoff`.
    private func firstIndex(after cutoff: Int64) -> Int {
        var low = head
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].time <= cutoff { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
