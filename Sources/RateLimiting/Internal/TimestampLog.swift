/// The sliding-window log's entries: admission times in ascending order, oldest first, with a moving head so
/// dropping old entries costs nothing until the buffer is compacted.
struct TimestampLog: Sendable {
    private var times: [Int64] = []
    private var head = 0

    /// The number of entries newer than `cutoff`.
    func count(after cutoff: Int64) -> Int {
        times.count - firstIndex(after: cutoff)
    }

    /// The `offset`-th live entry (0 = oldest newer than `cutoff`).
    func live(after cutoff: Int64, at offset: Int) -> Int64 {
        times[firstIndex(after: cutoff) + offset]
    }

    /// The newest entry newer than `cutoff`.
    func newest(after cutoff: Int64) -> Int64? {
        guard let last = times.last, last > cutoff else { return nil }
        return last
    }

    /// Drops entries at or before `cutoff`.
    mutating func drop(through cutoff: Int64) {
        head = firstIndex(after: cutoff)
        if head > 32, head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }

    /// Appends `count` entries at `time` (not before the newest).
    mutating func append(_ time: Int64, count: Int) {
        times.append(contentsOf: repeatElement(time, count: count))
    }

    /// Binary search for the first live index whose time is after `cutoff`.
    private func firstIndex(after cutoff: Int64) -> Int {
        var low = head
        var high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= cutoff { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
