/// An invalidation, as the shared tier records it and the backplane announces it to every instance.
public struct ResponseCacheInvalidation: Sendable, Hashable, CustomStringConvertible {
    /// What it targets.
    public enum Target: Sendable, Hashable {
        /// One key.
        case key(String)
        /// Every entry carrying the tag.
        case tag(String)
        /// Every entry (what replaces invalidations that could not be recorded while the shared tier was down, when
        /// there are too many to keep).
        case everything
    }

    /// What it targets.
    public var target: Target
    /// Soft: entries are marked stale (served only when the origin fails) rather than removed.
    public var isSoft: Bool
    /// The shared tier's epoch it was recorded at (0 without a shared tier).
    public var epoch: UInt64
    /// The instance that made it (its own message is not applied twice).
    public var origin: String

    /// Creates an invalidation.
    public init(target: Target, isSoft: Bool, epoch: UInt64 = 0, origin: String = "") {
        self.target = target
        self.isSoft = isSoft
        self.epoch = epoch
        self.origin = origin
    }

    /// `tag product:42 (soft)`.
    public var description: String {
        switch target {
        case .key(let key): "key \(key)" + (isSoft ? " (soft)" : "")
        case .tag(let tag): "tag \(tag)" + (isSoft ? " (soft)" : "")
        case .everything: "everything" + (isSoft ? " (soft)" : "")
        }
    }
}
