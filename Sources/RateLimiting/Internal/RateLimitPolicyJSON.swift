import Foundation
import Logging

/// The JSON a policy store keeps: ``RateLimitPolicy``'s `Codable` form with sorted keys, so equal policies are equal
/// bytes.
enum RateLimitPolicyJSON {
    /// The policy's JSON.
    /// - Throws: ``RateLimitError`` with code `invalidPolicy` if it cannot be encoded (it always can).
    static func encode(_ policy: RateLimitPolicy) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(policy), as: UTF8.self)
        } catch {
            throw RateLimitError(
                .invalidPolicy,
                "policy \(RateLimitPolicy.quoted(policy.name)) cannot be encoded as JSON",
                underlying: error
            )
        }
    }

    /// Decodes and validates a stored policy.
    /// - Throws: `DecodingError` or ``RateLimitError`` (code `invalidPolicy`), as `RateLimitPolicy(from:)`.
    static func decode(_ data: Data) throws -> RateLimitPolicy {
        try JSONDecoder().decode(RateLimitPolicy.self, from: data)
    }

    /// Decodes a store's entries (name → JSON), skipping and logging (at info, never the entry itself) every entry
    /// that is not a valid policy or holds a policy of another name.
    /// - Parameters:
    ///   - entry: What a stored entry is called in messages ("entry", "row").
    ///   - store: Where the entries come from, for the log (a Redis key, a database path).
    static func decodeEntries(
        _ entries: some Sequence<(name: String, json: Data)>,
        entry: String,
        store: String,
        logger: Logger
    ) -> [RateLimitPolicy] {
        var policies: [RateLimitPolicy] = []
        for (name, json) in entries {
            do {
                let policy = try decode(json)
                guard policy.name == name else {
                    throw RateLimitError(
                        .invalidPolicy,
                        "the \(entry) \(RateLimitPolicy.quoted(name)) holds policy \(RateLimitPolicy.quoted(policy.name))"
                    )
                }
                policies.append(policy)
            } catch {
                logger.info(
                    "Invalid rate-limit policy skipped",
                    metadata: [
                        "ratelimit.policy": "\(RateLimitPolicy.quoted(name))",
                        "ratelimit.store": "\(store)",
                        "ratelimit.error": "\(describe(error))",
                    ]
                )
            }
        }
        return policies
    }

    /// Why a stored entry could not be read, in a few words (never the entry itself).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as RateLimitError:
            return error.message
        case let error as DecodingError:
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                return "not valid JSON"
            case .keyNotFound(let key, _):
                return "missing field \(key.stringValue)"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                return "invalid value for field \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            @unknown default:
                return "not a policy"
            }
        default:
            return "\(type(of: error))"
        }
    }
}
