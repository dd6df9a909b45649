/// `XINFO STREAM key`: a stream's size, last ID and first and last entries.
public struct RedisStreamInfo: Hashable, Sendable {
    /// How many entries the stream has.
    public var length: Int
    /// The ID of the last entry ever added (it may have been deleted since).
    public var lastGeneratedID: RedisStreamID
    /// How many consumer groups the stream has.
    public var groupCount: Int
    /// How many entries were ever added (Redis 7 and later).
    public var entriesAdded: Int?
    /// The greatest ID ever deleted (Redis 7 and later).
    public var maxDeletedEntryID: RedisStreamID?
    /// The first entry; `nil` when the stream is empty.
    public var firstEntry: RedisStreamEntry?
    /// The last entry; `nil` when the stream is empty.
    public var lastEntry: RedisStreamEntry?

    /// Creates stream information.
    public init(
        length: Int,
        lastGeneratedID: RedisStreamID,
        groupCount: Int,
        entriesAdded: Int? = nil,
        maxDeletedEntryID: RedisStreamID? = nil,
        firstEntry: RedisStreamEntry? = nil,
        lastEntry: RedisStreamEntry? = nil
    ) {
        self.length = length
        self.lastGeneratedID = lastGeneratedID
        self.groupCount = groupCount
        self.entriesAdded = entriesAdded
        self.maxDeletedEntryID = maxDeletedEntryID
        self.firstEntry = firstEntry
        self.lastEntry = lastEntry
    }
}

/// One consumer group, as `XINFO GROUPS key` reports it.
public struct RedisStreamGroupInfo: Hashable, Sendable {
    /// The group's name.
    public var name: String
    /// How many consumers the group has.
    public var consumerCount: Int
    /// How many entries were delivered and not yet acknowledged.
    public var pendingCount: Int
    /// The ID of the last entry delivered to the group.
    public var lastDeliveredID: RedisStreamID
    /// How many entries the group has read (Redis 7 and later; `nil` when unknown).
    public var entriesRead: Int?
    /// How many entries are still to be delivered to the group (Redis 7 and later; `nil` when Redis cannot tell).
    public var lag: Int?

    /// Creates group information.
    public init(
        name: String,
        consumerCount: Int,
        pendingCount: Int,
        lastDeliveredID: RedisStreamID,
        entriesRead: Int? = nil,
        lag: Int? = nil
    ) {
        self.name = name
        self.consumerCount = consumerCount
        self.pendingCount = pendingCount
        self.lastDeliveredID = lastDeliveredID
        self.entriesRead = entriesRead
        self.lag = lag
    }
}

/// One consumer of a group, as `XINFO CONSUMERS key group` reports it.
public struct RedisStreamConsumerInfo: Hashable, Sendable {
    /// The consumer's name.
    public var name: String
    /// How many entries are pending for it.
    public var pendingCount: Int
    /// The time since it last tried to read or claim.
    public var idleTime: Duration
    /// The time since it last read or claimed an entry successfully (Redis 7.2 and later).
    public var inactiveTime: Duration?

    /// Creates consumer information.
    public init(name: String, pendingCount: Int, idleTime: Duration, inactiveTime: Duration? = nil) {
        self.name = name
        self.pendingCount = pendingCount
        self.idleTime = idleTime
        self.inactiveTime = inactiveTime
    }
}

// XINFO replies are RESP3 maps or RESP2 flat arrays of name, value.
extension RedisStreamInfo {
    init?(reply: RESPValue) {
        guard let fields = reply.fieldsByName, let length = fields["length"]?.int,
            let last = fields["last-generated-id"].flatMap(RedisStreamID.init(reply:)),
            let groups = fields["groups"]?.int
        else { return nil }
        func entry(_ name: String) -> RedisStreamEntry?? {
            guard let value = fields[name], !value.isNull else { return .some(nil) }
            return RedisStreamEntry(reply: value).map { .some($0) }
        }
        guard let first = entry("first-entry"), let lastEntry = entry("last-entry") else { return nil }
        self.init(
            length: length,
            lastGeneratedID: last,
            groupCount: groups,
            entriesAdded: fields["entries-added"]?.int,
            maxDeletedEntryID: fields["max-deleted-entry-id"].flatMap(RedisStreamID.init(reply:)),
            firstEntry: first,
            lastEntry: lastEntry
        )
    }
}

extension RedisStreamGroupInfo {
    init?(reply: RESPValue) {
        guard let fields = reply.fieldsByName, let name = fields["name"]?.string,
            let consumers = fields["consumers"]?.int, let pending = fields["pending"]?.int,
            let last = fields["last-delivered-id"].flatMap(RedisStreamID.init(reply:))
        else { return nil }
        self.init(
            name: name,
            consumerCount: consumers,
            pendingCount: pending,
            lastDeliveredID: last,
            entriesRead: fields["entries-read"]?.int,
            lag: fields["lag"]?.int
        )
    }
}

extension RedisStreamConsumerInfo {
    init?(reply: RESPValue) {
        guard let fields = reply.fieldsByName, let name = fields["name"]?.string,
            let pending = fields["pending"]?.int, let idle = fields["idle"]?.int
        else { return nil }
        self.init(
            name: name,
            pendingCount: pending,
            idleTime: .milliseconds(idle),
            inactiveTime: fields["inactive"]?.int.flatMap { $0 >= 0 ? .milliseconds($0) : nil }
        )
    }
}
