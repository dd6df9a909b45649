extension MemoryCache {
    /// Removes every entry carrying `tag` (a purge by surrogate key).
    /// - Returns: how many entries were removed.
    @discardableResult
    public func removeAll(taggedWith tag: String) -> Int {
        self.forEachShard { $0.removeAll(taggedWith: tag) }.reduce(0, +)
    }

    /// Changes the value of every entry carrying `tag` in place, keeping costs, tags and places in the policy.
    /// - Parameters:
    ///   - tag: the tag.
    ///   - body: the change; runs under a shard's lock, so it must be quick and must not use the cache.
    /// - Returns: how many entries were changed.
    @discardableResult
    public func modifyAll(taggedWith tag: String, _ body: (inout Value) -> Void) -> Int {
        self.forEachShard { $0.modifyAll(taggedWith: tag, body) }.reduce(0, +)
    }

    /// Removes every entry for which `predicate` is true (an expiry sweep, a flush after a lost backplane).
    /// - Parameter predicate: called with each key and value; runs under a shard's lock, so it must be quick and
    ///   must not use the cache.
    /// - Returns: how many entries were removed.
    @discardableResult
    public func removeAll(where predicate: (String, Value) -> Bool) -> Int {
        self.forEachShard { $0.removeAll(where: predicate) }.reduce(0, +)
    }

    /// Checks every shard's structural invariants; for tests.
    /// - Returns: a description of each violation found (empty when the cache is sound).
    func checkInvariants() -> [String] {
        self.forEachShard { $0.checkInvariants() }.flatMap { $0 }
    }
}
