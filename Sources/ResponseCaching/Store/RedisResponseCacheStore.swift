import NIOCore
public import Redis

/// The shared tier in Redis: entries as hashes with a TTL, invalidations as marks against one epoch counter, each
/// operation one script (``RedisResponseCacheScripts``), announcements published on ``channel`` by the same script
/// that records them (so none is recorded without being announced, or announced without being recorded).
public struct RedisResponseCacheStore: ResponseCacheStore {
    let client: any RedisCommandExecutor
    /// Every key's prefix (`mastery:cache:`).
    public let prefix: String
    /// The channel announcements go to.
    public var channel: String { prefix + "bus" }
    /// How long invalidation marks live: at least as long as any entry (``ResponseCache/Configuration/maximumEntryLifetime``).
    let markerLifetime: Duration

    /// A store on `client`.
    /// - Parameters:
    ///   - client: A Redis pool (or connection).
    ///   - prefix: Every key's prefix.
    ///   - markerLifetime: How long invalidation marks live; no shorter than the longest entry lifetime.
    public init(
        client: any RedisCommandExecutor,
        prefix: String = "mastery:cache:",
        markerLifetime: Duration = .seconds(86_400 + 60)
    ) {
        self.client = client
        self.prefix = prefix
        self.markerLifetime = markerLifetime
    }

    func entryKey(_ key: String) -> String { prefix + "e:" + key }

    public func entry(forKey key: String) async throws -> ResponseCacheEntry? {
        let reply = try await client.evaluate(
            RedisResponseCacheScripts.read,
            keys: [entryKey(key)],
            arguments: [prefix, key]
        )
        guard let parts = reply.elements, parts.count == 4 else {
            if reply.isNull { return nil }
            throw Self.unexpected(reply)
        }
        guard case .bulkString(let value) = parts[0].withoutAttributes, let times = parts[1].string,
            let tags = parts[2].string, let soft = parts[3].integer,
            var entry = Self.decode(value: value, times: times, tags: tags)
        else { throw Self.unexpected(reply) }
        entry.isSoftPurged = soft == 1
        return entry
    }

    public func store(_ entry: ResponseCacheEntry, forKey key: String, lifetime: Duration) async throws -> Bool {
        let reply = try await client.evaluate(
            RedisResponseCacheScripts.store,
            keys: [entryKey(key)],
            arguments: [
                prefix, key, entry.epoch, max(1, lifetime.milliseconds), entry.value, Self.times(entry),
                entry.tags.joined(separator: "\n"),
            ]
        )
        return reply.integer == 1
    }

    public func replace(
        _ entry: ResponseCacheEntry,
        forKey key: String,
        lifetime: Duration,
        origin: String
    ) async throws -> ResponseCacheInvalidation {
        let reply = try await client.evaluate(
            RedisResponseCacheScripts.replace,
            keys: [entryKey(key)],
            arguments: [
                prefix, key, max(1, lifetime.milliseconds), entry.value, Self.times(entry),
                entry.tags.joined(separator: "\n"), markerLifetime.milliseconds, channel, "i\n\(origin)\n",
            ]
        )
        guard let epoch = reply.integer, epoch > 0 else { throw Self.unexpected(reply) }
        return ResponseCacheInvalidation(target: .key(key), isSoft: false, epoch: UInt64(epoch), origin: origin)
    }

    public func epoch() async throws -> UInt64 {
        let reply = try await client.send(RedisCommand("GET", prefix + "epoch"))
        if reply.isNull { return 0 }
        guard let text = reply.string, let epoch = UInt64(text) else {
            throw Self.unexpected(reply)
        }
        return epoch
    }

    public func invalidate(
        _ target: ResponseCacheInvalidation.Target,
        soft: Bool,
        origin: String
    ) async throws -> ResponseCacheInvalidation {
        let (kind, name) =
            switch target {
            case .key(let key): ("k", key)
            case .tag(let tag): ("t", tag)
            case .everything: ("*", "")
            }
        let reply = try await client.evaluate(
            RedisResponseCacheScripts.invalidate,
            arguments: [
                prefix, kind, name, soft ? "1" : "0", markerLifetime.milliseconds, channel, "i\n\(origin)\n",
            ]
        )
        guard let epoch = reply.integer, epoch > 0 else { throw Self.unexpected(reply) }
        return ResponseCacheInvalidation(target: target, isSoft: soft, epoch: UInt64(epoch), origin: origin)
    }

    public func lock(_ key: String, token: String, lifetime: Duration) async throws -> Bool {
        let reply = try await client.send(
            RedisCommand("SET", prefix + "l:" + key, token, "NX", "PX", String(max(1, lifetime.milliseconds)))
        )
        return !reply.isNull
    }

    public func unlock(_ key: String, token: String) async throws {
        try await client.evaluate(RedisResponseCacheScripts.unlock, keys: [prefix + "l:" + key], arguments: [token])
    }

    // MARK: Encoding

    static func unexpected(_ reply: RESPValue) -> RedisError {
        RedisError(code: .unexpectedReply, message: "the cache store got a reply it does not understand")
    }

    /// `loadedAt freshUntil revalidateUntil staleUntil loadMilliseconds` (the scripts append the epoch).
    static func times(_ entry: ResponseCacheEntry) -> String {
        "\(entry.loadedAt) \(entry.freshUntil) \(entry.revalidateUntil) \(entry.staleUntil) \(entry.loadMilliseconds)"
    }

    static func decode(value: ByteBuffer, times: String, tags: String) -> ResponseCacheEntry? {
        let fields = times.split(separator: " ").map { Int64($0) }
        guard fields.count == 6, fields.allSatisfy({ $0 != nil }), let epoch = UInt64(exactly: fields[5]!) else {
            return nil
        }
        return ResponseCacheEntry(
            value: value,
            tags: tags.split(separator: "\n").map(String.init),
            loadedAt: fields[0]!,
            freshUntil: fields[1]!,
            revalidateUntil: fields[2]!,
            staleUntil: fields[3]!,
            loadMilliseconds: fields[4]!,
            epoch: epoch
        )
    }

    /// Parses an announcement published on ``channel``: `i`, origin, epoch, soft, kind, name, one per line; or a
    /// heartbeat: `h`, instance, sent at.
    static func parse(_ message: String) -> ResponseCacheBackplaneEvent? {
        let lines = message.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false)
        switch lines.first {
        case "h":
            guard lines.count == 3, let sentAt = Int64(lines[2]) else { return nil }
            return .heartbeat(instance: String(lines[1]), sentAt: sentAt)
        case "i":
            guard lines.count == 6, let epoch = UInt64(lines[2]) else { return nil }
            let target: ResponseCacheInvalidation.Target
            switch lines[4] {
            case "k": target = .key(String(lines[5]))
            case "t": target = .tag(String(lines[5]))
            case "*": target = .everything
            default: return nil
            }
            return .invalidation(
                ResponseCacheInvalidation(
                    target: target,
                    isSoft: lines[3] == "1",
                    epoch: epoch,
                    origin: String(lines[1])
                )
            )
        default:
            return nil
        }
    }
}
