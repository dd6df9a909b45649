public import NIOCore

/// A sorted-set member and its score, as `ZADD` takes them and `ZRANGE … WITHSCORES`, `ZPOPMIN` return them.
public struct RedisScoredMember: Hashable, Sendable {
    /// The member's bytes.
    public var member: ByteBuffer
    /// The member's score (may be `inf` or `-inf`).
    public var score: Double

    /// Creates a member from its bytes.
    public init(member: ByteBuffer, score: Double) {
        self.member = member
        self.score = score
    }

    /// Creates a member from a string (sent as UTF-8).
    public init(member: String, score: Double) {
        self.init(member: ByteBuffer(string: member), score: score)
    }

    /// The member decoded as UTF-8.
    public var memberString: String { String(buffer: member) }
}

extension RedisScoredMember {
    /// Reads members with scores in every shape Redis sends them: RESP2's flat `member, score, …` with scores as
    /// strings, and RESP3's `[member, score]` pairs with scores as doubles (also the flat pair of a RESP3 `ZPOPMIN`
    /// without a count). A null is an empty list.
    static func list(from reply: RESPValue) -> [RedisScoredMember]? {
        guard let elements = reply.elementsOrEmpty else { return nil }
        var result: [RedisScoredMember] = []
        if elements.allSatisfy({ $0.elements != nil }) {
            result.reserveCapacity(elements.count)
            for element in elements {
                guard let pair = element.elements, pair.count == 2, let member = pair[0].bytes,
                    let score = pair[1].double
                else { return nil }
                result.append(RedisScoredMember(member: member, score: score))
            }
            return result
        }
        guard elements.count % 2 == 0 else { return nil }
        result.reserveCapacity(elements.count / 2)
        for index in stride(from: 0, to: elements.count, by: 2) {
            guard let member = elements[index].bytes, let score = elements[index + 1].double else { return nil }
            result.append(RedisScoredMember(member: member, score: score))
        }
        return result
    }
}
