public import NIOCore

/// One stream entry: its ID and its fields, in the order they were added.
public struct RedisStreamEntry: Hashable, Sendable {
    /// One field of an entry.
    public struct Field: Hashable, Sendable {
        /// The field's name, decoded as UTF-8.
        public var name: String
        /// The field's value.
        public var value: ByteBuffer

        /// Creates a field.
        public init(name: String, value: ByteBuffer) {
            self.name = name
            self.value = value
        }
    }

    /// The entry's ID.
    public var id: RedisStreamID
    /// The entry's fields, in the order they were added. Empty only for an entry that was deleted while still
    /// pending in a consumer group (`XREADGROUP` of the pending list returns its ID alone).
    public var fields: [Field]

    /// Creates an entry.
    public init(id: RedisStreamID, fields: [Field]) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field with this name, or `nil`.
    public subscript(field name: String) -> ByteBuffer? {
        fields.first { $0.name == name }?.value
    }

    /// The value of the first field with this name decoded as UTF-8, or `nil`.
    public func string(_ name: String) -> String? {
        self[field: name].map { String(buffer: $0) }
    }
}

/// The entries read from one stream by `XREAD` or `XREADGROUP`.
public struct RedisStreamBatch: Hashable, Sendable {
    /// The stream's key.
    public var key: String
    /// The entries, oldest first.
    public var entries: [RedisStreamEntry]

    /// Creates a batch.
    public init(key: String, entries: [RedisStreamEntry]) {
        self.key = key
        self.entries = entries
    }
}

extension RedisStreamEntry {
    /// Reads `[id, [field, value, …]]`; the fields may be null (a deleted entry in a pending list).
    init?(reply: RESPValue) {
        guard let parts = reply.elements, parts.count == 2, let id = RedisStreamID(reply: parts[0]) else {
            return nil
        }
        if parts[1].isNull {
            self.init(id: id, fields: [])
            return
        }
        // Fields are a flat array in RESP2 and RESP3 alike; a map is accepted too.
        guard let pairs = parts[1].pairs else { return nil }
        var fields: [Field] = []
        fields.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let name = pair.key.string, let value = pair.value.bytes else { return nil }
            fields.append(Field(name: name, value: value))
        }
        self.init(id: id, fields: fields)
    }

    /// Reads an array of entries; a null is none.
    static func list(from reply: RESPValue) -> [RedisStreamEntry]? {
        guard let elements = reply.elementsOrEmpty else { return nil }
        var entries: [RedisStreamEntry] = []
        entries.reserveCapacity(elements.count)
        for element in elements {
            guard let entry = RedisStreamEntry(reply: element) else { return nil }
            entries.append(entry)
        }
        return entries
    }
}

extension RedisStreamBatch {
    /// Reads the reply of `XREAD`/`XREADGROUP`: a RESP3 map of key → entries or a RESP2 array of `[key, entries]`
    /// pairs; a null (nothing arrived in time) is no batches.
    static func list(from reply: RESPValue) -> [RedisStreamBatch]? {
        if reply.isNull { return [] }
        var pairs: [(key: RESPValue, value: RESPValue)] = []
        switch reply.withoutAttributes {
        case .map(let entries):
            pairs = entries.map { ($0.key, $0.value) }
        case .array(let elements):
            for element in elements {
                guard let pair = element.elements, pair.count == 2 else { return nil }
                pairs.append((pair[0], pair[1]))
            }
        default:
            return nil
        }
        var batches: [RedisStreamBatch] = []
        batches.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let key = pair.key.string, let entries = RedisStreamEntry.list(from: pair.value) else { return nil }
            batches.append(RedisStreamBatch(key: key, entries: entries))
        }
        return batches
    }
}
