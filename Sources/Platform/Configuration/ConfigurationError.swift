/// A configuration value that is present but invalid, or a configuration source that cannot be read.
///
/// The description names the key (as a flag, an environment variable and a file key) and what it accepts;
/// it never contains the offending value when the key holds a secret.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The key, as written in a JSON configuration file (for example `maxBodySize`).
    public var key: String
    /// What the key accepts (for example `an integer between 1 and 65535`).
    public var expected: String
    /// An optional extra explanation.
    public var reason: String?

    /// Creates the error.
    public init(key: String, expected: String, reason: String? = nil) {
        self.key = key
        self.expected = expected
        self.reason = reason
    }

    public var description: String {
        let names = ConfigurationKeyNames(key)
        var text =
            "invalid configuration \(names.flag) (\(names.environment), \"\(key)\" in the config file): expected \(expected)"
        if let reason { text += "; \(reason)" }
        return text
    }
}

/// The three spellings of one configuration key: `maxBodySize`, `--max-body-size`, `MASTERY_MAX_BODY_SIZE`.
public struct ConfigurationKeyNames: Sendable, Hashable {
    /// The key as written in the JSON file (dots separate scopes: `ratelimit.defaultPolicy`).
    public var key: String
    /// The command-line flag (`--max-body-size`, `--ratelimit-default-policy`).
    public var flag: String
    /// The environment variable (`MASTERY_MAX_BODY_SIZE`).
    public var environment: String

    /// Derives the flag and environment spellings of a file key.
    public init(_ key: String) {
        self.key = key
        var words: [String] = []
        var current = ""
        var previous: Character? = nil
        for character in key {
            if character == "." || character == "_" || character == "-" {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { words.append(current) }
        self.flag = "--" + words.map { $0.lowercased() }.joined(separator: "-")
        self.environment = "MASTERY_" + words.map { $0.uppercased() }.joined(separator: "_")
    }
}
