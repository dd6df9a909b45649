import NIOCore

/// The three kinds of subscription: channels (`SUBSCRIBE`), patterns (`PSUBSCRIBE`) and shard channels
/// (`SSUBSCRIBE`, Redis 7).
enum RedisPubSubKind: Hashable, Sendable, CaseIterable {
    case channel
    case pattern
    case shardChannel

    /// `SUBSCRIBE`, `PSUBSCRIBE` or `SSUBSCRIBE`.
    var subscribeCommand: String {
        switch self {
        case .channel: "SUBSCRIBE"
        case .pattern: "PSUBSCRIBE"
        case .shardChannel: "SSUBSCRIBE"
        }
    }

    /// `UNSUBSCRIBE`, `PUNSUBSCRIBE` or `SUNSUBSCRIBE`.
    var unsubscribeCommand: String {
        switch self {
        case .channel: "UNSUBSCRIBE"
        case .pattern: "PUNSUBSCRIBE"
        case .shardChannel: "SUNSUBSCRIBE"
        }
    }
}

/// A pub/sub frame from the server: a message, or the confirmation of one name of a (un)subscribe command.
///
/// RESP3 sends them as push messages (`>`), RESP2 as plain arrays on a connection in subscribed mode; the shapes are
/// the same: `[message, channel, payload]`, `[pmessage, pattern, channel, payload]`, `[smessage, channel, payload]`,
/// `[subscribe|psubscribe|ssubscribe|unsubscribe|punsubscribe|sunsubscribe, name, count]`.
enum RedisPubSubFrame: Sendable, Hashable {
    case message(RedisPubSubKind, RedisPubSubMessage)
    case confirmation(RedisPubSubKind, isSubscribe: Bool, name: String?)

    /// Reads a frame from a push or array value, or returns `nil` when the value is not one.
    init?(_ value: RESPValue) {
        let elements: [RESPValue]
        switch value {
        case .push(let values), .array(let values): elements = values
        case .attributed(_, let inner):
            guard let frame = RedisPubSubFrame(inner) else { return nil }
            self = frame
            return
        default: return nil
        }
        guard elements.count >= 3, case .bulkString(let head) = elements[0] else { return nil }
        switch Self.word(head) {
        case .message(let kind):
            if kind == .pattern {
                guard elements.count == 4, let pattern = elements[1].string, let channel = elements[2].string,
                    case .bulkString(let payload) = elements[3]
                else { return nil }
                self = .message(kind, RedisPubSubMessage(channel: channel, payload: payload, pattern: pattern))
            } else {
                guard elements.count == 3, let channel = elements[1].string,
                    case .bulkString(let payload) = elements[2]
                else { return nil }
                self = .message(kind, RedisPubSubMessage(channel: channel, payload: payload, pattern: nil))
            }
        case .confirmation(let kind, let isSubscribe):
            guard elements.count == 3, elements[2].integer != nil else { return nil }
            self = .confirmation(kind, isSubscribe: isSubscribe, name: elements[1].string)
        case nil:
            return nil
        }
    }

    private enum Word {
        case message(RedisPubSubKind)
        case confirmation(RedisPubSubKind, isSubscribe: Bool)
    }

    /// The frame's first word, compared as bytes (messages are the hot path: no string is made for it).
    private static func word(_ buffer: ByteBuffer) -> Word? {
        let bytes = buffer.readableBytesView
        func equals(_ word: StaticString) -> Bool {
            word.utf8CodeUnitCount == bytes.count
                && word.withUTF8Buffer { word in
                    zip(word, bytes).allSatisfy { $0 == $1 || $0 == $1 | 0x20 }
                }
        }
        switch bytes.count {
        case 7: return equals("message") ? .message(.channel) : nil
        case 8:
            if equals("pmessage") { return .message(.pattern) }
            if equals("smessage") { return .message(.shardChannel) }
            return nil
        case 9: return equals("subscribe") ? .confirmation(.channel, isSubscribe: true) : nil
        case 10:
            if equals("psubscribe") { return .confirmation(.pattern, isSubscribe: true) }
            if equals("ssubscribe") { return .confirmation(.shardChannel, isSubscribe: true) }
            return nil
        case 11: return equals("unsubscribe") ? .confirmation(.channel, isSubscribe: false) : nil
        case 12:
            if equals("punsubscribe") { return .confirmation(.pattern, isSubscribe: false) }
            if equals("sunsubscribe") { return .confirmation(.shardChannel, isSubscribe: false) }
            return nil
        default: return nil
        }
    }
}
