import Foundation

/// Probabilistic early refresh (Vattani, Chierichetti and Lowenstein, "Optimal Probabilistic Cache Stampede
/// Prevention", VLDB 2015): a hit refreshes the entry early when `now − δ·β·ln(rand) ≥ expiry`, where δ is how long
/// the origin took. Requests near expiry refresh with growing probability, so one of them refreshes before the entry
/// expires and nobody waits.
enum XFetch {
    /// Whether a hit at `now` should refresh `entry` early (`random` in (0, 1]).
    static func shouldRefresh(
        _ entry: ResponseCacheEntry,
        now: Int64,
        beta: Double,
        random: Double = Double.random(in: Double.ulpOfOne...1)
    ) -> Bool {
        guard beta > 0, entry.loadMilliseconds > 0 else { return false }
        let gap = -Double(entry.loadMilliseconds) * beta * log(random)
        return Double(now) + gap >= Double(entry.freshUntil)
    }
}
