import NIOCore

// Decoding helpers shared by the typed commands. Each returns `nil` when the reply does not have the expected shape;
// the command then throws `RedisError.unexpected` naming itself. They accept RESP2 and RESP3 shapes alike.
extension RESPValue {
    /// The bytes of a bulk, simple or verbatim string.
    var bytes: ByteBuffer? {
        switch self {
        case .bulkString(let buffer): buffer
        case .simpleString(let string): ByteBuffer(string: string)
        case .verbatimString(_, let text): ByteBuffer(string: text)
        case .attributed(_, let value): value.bytes
        default: nil
        }
    }

    /// A floating-point number: a RESP3 double, or a RESP2 string such as `1.5`, `inf` or `-inf`, or an integer.
    var double: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        case .bulkString, .simpleString, .verbatimString: string.flatMap(Double.init)
        case .attributed(_, let value): value.double
        default: nil
        }
    }

    /// An integer that fits `Int`: an integer reply, or a RESP2 string holding one.
    var int: Int? {
        switch withoutAttributes {
        case .integer(let value): Int(exactly: value)
        case .bulkString, .simpleString: string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The key-value pairs of a RESP3 map or of a RESP2 flat array (`key, value, key, value`).
    var pairs: [(key: RESPValue, value: RESPValue)]? {
        switch withoutAttributes {
        case .map(let entries):
            return entries.map { ($0.key, $0.value) }
        case .array(let elements) where elements.count % 2 == 0:
            var pairs: [(key: RESPValue, value: RESPValue)] = []
            pairs.reserveCapacity(elements.count / 2)
            for index in stride(from: 0, to: elements.count, by: 2) {
                pairs.append((elements[index], elements[index + 1]))
            }
            return pairs
        default:
            return nil
        }
    }

    /// The pairs of ``pairs`` keyed by their string keys (later duplicates win); `nil` when a key is not a string.
    var fieldsByName: [String: RESPValue]? {
        guard let pairs else { return nil }
        var result: [String: RESPValue] = [:]
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let name = pair.key.string else { return nil }
            result[name] = pair.value
        }
        return result
    }

    /// The elements of an array, or an empty list for a null: for commands that answer "nothing" with a null.
    var elementsOrEmpty: [RESPValue]? {
        isNull ? [] : elements
    }

    /// The strings of an array (or an empty list for a null).
    var strings: [String]? {
        guard let elements = elementsOrEmpty else { return nil }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let string = element.string else { return nil }
            result.append(string)
        }
        return result
    }

    /// The byte strings of an array (or an empty list for a null).
    var byteStrings: [ByteBuffer]? {
        guard let elements = elementsOrEmpty else { return nil }
        var result: [ByteBuffer] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let bytes = element.bytes else { return nil }
            result.append(bytes)
        }
        return result
    }

    /// The elements of an array where each is a byte string or a null (`MGET`, `HMGET`).
    var optionalByteStrings: [ByteBuffer?]? {
        guard let elements else { return nil }
        var result: [ByteBuffer?] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            if element.isNull {
                result.append(nil)
            } else if let bytes = element.bytes {
                result.append(bytes)
            } else {
                return nil
            }
        }
        return result
    }
}
