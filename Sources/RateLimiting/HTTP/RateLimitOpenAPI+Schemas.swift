import APIDocumentation
import OpenAPIKit

extension RateLimitOpenAPI {
    /// Seconds, at least 0.
    static var seconds: JSONSchema {
        .number(description: "Seconds.", minimum: (0, exclusive: false))
    }

    /// Seconds, or `null` when there are none.
    static var nullableSeconds: JSONSchema {
        .number(nullable: true, description: "Seconds, or null when there is none.", minimum: (0, exclusive: false))
    }

    /// A count, at least 0.
    static var count: JSONSchema { .integer(minimum: (0, exclusive: false)) }

    /// The fields of a policy; those in `required` must be present.
    static func policyProperties(required: Set<String>) -> OrderedDictionary<String, JSONSchema> {
        let properties: OrderedDictionary<String, JSONSchema> = [
            "name": .component("PolicyName"),
            "algorithm": .string(
                description: "How requests are counted.",
                allowedValues: RateLimitAlgorithm.allCases.map { AnyCodable($0.rawValue) }
            ),
            "limit": .integer(
                description: "Units per window (at most \(RateLimitPolicy.maximumLogLimit) for sliding_window_log; "
                    + "for gcra and token_bucket at most one per microsecond).",
                maximum: (RateLimitPolicy.maximumLimit, exclusive: false),
                minimum: (1, exclusive: false)
            ),
            "window": .number(
                description: "The window in seconds (whole microseconds kept).",
                maximum: (Double(RateLimitPolicy.maximumWindow.components.seconds), exclusive: false),
                minimum: (0.001, exclusive: false)
            ),
            "burst": .integer(
                description: "gcra and token_bucket only: units that may pass at once (default: limit).",
                maximum: (RateLimitPolicy.maximumLimit, exclusive: false),
                minimum: (1, exclusive: false)
            ),
            "onStoreFailure": .string(
                description: "What decisions do while the shared store cannot answer.",
                allowedValues: ["open", "closed", "local"],
                defaultValue: "open"
            ),
            "localFraction": .number(
                description: "With onStoreFailure local: the share of the limit each instance admits on its own.",
                maximum: (1, exclusive: false),
                minimum: (0, exclusive: true)
            ),
        ]
        return properties.reduceRequired(required)
    }

    /// The schemas of the rate limiter's bodies (the problem schema is shared).
    static var schemas: OrderedDictionary<String, JSONSchema> {
        [
            "PolicyName": .string(
                description: "1 to \(RateLimitPolicy.maximumNameLength) characters from A-Z a-z 0-9 . _ - :, neither . "
                    + "nor .. (percent-encode : in paths if you like: x%3Ay is x:y).",
                pattern: "^(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,\(RateLimitPolicy.maximumNameLength)}$"
            ),
            "PolicyInput": .object(
                properties: policyProperties(required: ["algorithm", "limit", "window"]),
                additionalProperties: .a(false)
            ),
            "Policy": .object(
                properties: policyProperties(required: ["name", "algorithm", "limit", "window", "onStoreFailure"]),
                additionalProperties: .a(false)
            ),
            "PolicyList": .object(
                properties: [
                    "policies": .array(items: .component("Policy")),
                    "next": .string(
                        required: false,
                        description: "Present when more policies follow: pass it as `after` for the next page."
                    ),
                ],
                additionalProperties: .a(false)
            ),
            "Descriptor": .object(
                properties: [
                    "policy": .component("PolicyName"),
                    "key": .string(
                        description: "What is limited: at most \(RateLimitCheck.maximumKeyLength) UTF-8 bytes (longer "
                            + "keys are refused, never truncated).",
                        minLength: 1
                    ),
                    "cost": .integer(
                        required: false,
                        description: "This descriptor's cost, overriding the request's.",
                        maximum: (RateLimitCheck.maximumCost, exclusive: false),
                        minimum: (0, exclusive: false)
                    ),
                ],
                additionalProperties: .a(false)
            ),
            "CheckRequest": .object(
                properties: [
                    "descriptors": .array(
                        minItems: 1,
                        maxItems: RateLimitCheck.maximumChecks,
                        items: .component("Descriptor")
                    ),
                    "cost": .integer(
                        required: false,
                        description: "The cost of each descriptor without one of its own.",
                        maximum: (RateLimitCheck.maximumCost, exclusive: false),
                        minimum: (0, exclusive: false),
                        defaultValue: 1
                    ),
                ],
                additionalProperties: .a(false)
            ),
            "Decision": .object(
                properties: [
                    "policy": .component("PolicyName"),
                    "key": .string,
                    "allowed": .boolean,
                    "limit": .integer(description: "Units that may pass at once.", minimum: (0, exclusive: false)),
                    "remaining": count,
                    "resetAfter": seconds,
                    "retryAfter": nullableSeconds,
                ],
                additionalProperties: .a(false)
            ),
            "CheckResponse": .object(
                properties: [
                    "allowed": .boolean,
                    "remaining": count,
                    "resetAfter": seconds,
                    "retryAfter": nullableSeconds,
                    "source": .string(
                        description: "Who decided: the store, or a failure mode while the store fails.",
                        allowedValues: ["store", "fail_open", "fail_closed", "local_fallback"]
                    ),
                    "decisions": .array(items: .component("Decision")),
                ],
                additionalProperties: .a(false)
            ),
            "Counts": .object(
                properties: ["allowed": count, "denied": count],
                additionalProperties: .a(false)
            ),
            "LimitedKey": .object(
                properties: ["policy": .component("PolicyName"), "key": .string, "denied": count],
                additionalProperties: .a(false)
            ),
            "Stats": .object(
                properties: [
                    "allowed": count,
                    "denied": count,
                    "fallbackDecisions": count,
                    "usingFallback": .boolean,
                    "store": .string(allowedValues: ["memory", "redis"]),
                    "policies": .object(additionalProperties: .b(.component("Counts"))),
                    "limitedKeys": .array(items: .component("LimitedKey")),
                ],
                additionalProperties: .a(false)
            ),
            "Index": .object(properties: ["openapi": .string, "page": .string, "store": .string]),
            "DemoResponse": .object(properties: ["status": .string, "policy": .string]),
        ]
    }
}

extension OrderedDictionary where Key == String, Value == JSONSchema {
    /// The properties with only those named in `required` required.
    fileprivate func reduceRequired(_ required: Set<String>) -> Self {
        var result = Self()
        for (name, schema) in self {
            result[name] = required.contains(name) ? schema.requiredSchemaObject() : schema.optionalSchemaObject()
        }
        return result
    }
}
