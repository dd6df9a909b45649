/// Where policies are kept: the seam between ``RateLimitPolicyRegistry`` and its storage.
///
/// ``RedisRateLimitPolicyStore`` keeps them in the shared tier, where every instance reads the same policies and
/// hears of changes through pub/sub; ``SQLiteRateLimitPolicyStore`` keeps them in this instance's database. Writes
/// go through the registry, which updates its cache and then calls ``announceChange(name:)``.
public protocol RateLimitPolicyStore: Sendable {
    /// Every stored policy that can be read, by name. An entry that cannot be decoded (hand-written, from a newer
    /// version) is logged and skipped, never fatal.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout` when the store cannot answer.
    func all() async throws -> [RateLimitPolicy]

    /// Stores a policy, replacing any policy of the same name.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    func put(_ policy: RateLimitPolicy) async throws

    /// Stores a policy unless that would make more than `maximumCount` policies: replacing a policy always
    /// succeeds, adding one only while fewer than `maximumCount` are stored. Atomic in the stores of this module.
    /// - Throws: ``RateLimitError`` with code `policyLimitReached` (nothing stored), `storeUnavailable` or
    ///   `storeTimeout`.
    func put(_ policy: RateLimitPolicy, maximumCount: Int) async throws

    /// Deletes the policy named `name`.
    /// - Returns: Whether it existed.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    func delete(name: String) async throws -> Bool

    /// Tells the other instances sharing the store that the policy named `name` changed (they reload). A store no
    /// other instance shares does nothing.
    /// - Throws: ``RateLimitError`` with code `storeUnavailable` or `storeTimeout`.
    func announceChange(name: String) async throws

    /// Watches for changes made by other instances until the task is cancelled, calling `onChange` with a reason
    /// once the watch is established (changes made before may have been missed), after every change, and whenever
    /// changes may have been missed (a reconnect). A store no other instance shares returns at once.
    /// - Throws: ``RateLimitError`` when the watch cannot be established or breaks for good; the caller retries.
    func watchChanges(_ onChange: @escaping @Sendable (String) -> Void) async throws
}

extension RateLimitPolicyStore {
    /// Counts, then stores: not atomic (two writers may both pass the count); stores that can do better override it.
    public func put(_ policy: RateLimitPolicy, maximumCount: Int) async throws {
        let names = try await all().map(\.name)
        guard names.contains(policy.name) || names.count < maximumCount else {
            throw RateLimitError.policyLimitReached(maximumCount)
        }
        try await put(policy)
    }

    /// Nothing to announce: no other instance shares this store.
    public func announceChange(name: String) async throws {}

    /// Nothing to watch: no other instance shares this store.
    public func watchChanges(_ onChange: @escaping @Sendable (String) -> Void) async throws {}
}

extension RateLimitError {
    /// The error for a new policy past the maximum.
    static func policyLimitReached(_ maximum: Int) -> RateLimitError {
        RateLimitError(
            .policyLimitReached,
            "there are already \(maximum) policies, the maximum (ratelimit.maxPolicies): delete one or raise the maximum"
        )
    }
}
