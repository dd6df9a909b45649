public import Configuration
import Foundation

extension ConfigReader {
    /// Whether any provider holds a value for `key`, whatever its type.
    public func hasValue(forKey key: String) -> Bool {
        let configKey = ConfigKey(key)
        return string(forKey: configKey, isSecret: true) != nil || int(forKey: configKey) != nil
            || double(forKey: configKey) != nil || bool(forKey: configKey) != nil
    }

    /// A string that is present, or `nil`; a present value of another type is an error.
    /// - Throws: ``ConfigurationError`` naming the key.
    public func validatedString(
        _ key: String,
        expected: String = "a string",
        isSecret: Bool = false,
        validate: (String) -> Bool = { _ in true }
    ) throws -> String? {
        guard hasValue(forKey: key) else { return nil }
        guard let value = string(forKey: ConfigKey(key), isSecret: isSecret), validate(value) else {
            throw ConfigurationError(key: key, expected: expected)
        }
        return value
    }

    /// An integer in `range` that is present, or `nil`. Accepts a JSON number or a decimal string.
    /// - Throws: ``ConfigurationError`` naming the key and the range.
    public func validatedInt(_ key: String, in range: ClosedRange<Int>, expected: String? = nil) throws -> Int? {
        guard hasValue(forKey: key) else { return nil }
        let expectation = expected ?? "an integer between \(range.lowerBound) and \(range.upperBound)"
        let configKey = ConfigKey(key)
        let parsed: Int? =
            int(forKey: configKey)
            ?? string(forKey: configKey).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let parsed, range.contains(parsed) else { throw ConfigurationError(key: key, expected: expectation) }
        return parsed
    }

    /// A number of seconds in `range` that is present, or `nil`, as a `Duration`. Accepts `2`, `2.5`, `"2.5"`,
    /// `"2500ms"` and `"2s"`.
    /// - Throws: ``ConfigurationError`` naming the key and the range.
    public func validatedDuration(_ key: String, in range: ClosedRange<Double>) throws -> Duration? {
        guard hasValue(forKey: key) else { return nil }
        let expectation =
            "a duration in seconds between \(range.lowerBound.formatted()) and \(range.upperBound.formatted()) (for example 30, 2.5, \"500ms\")"
        let configKey = ConfigKey(key)
        var seconds: Double? = double(forKey: configKey) ?? int(forKey: configKey).map(Double.init)
        if seconds == nil, let text = string(forKey: configKey)?.trimmingCharacters(in: .whitespaces) {
            if text.hasSuffix("ms") {
                seconds = Double(text.dropLast(2)).map { $0 / 1000 }
            } else if text.hasSuffix("s") {
                seconds = Double(text.dropLast())
            } else {
                seconds = Double(text)
            }
        }
        guard let seconds, seconds.isFinite, range.contains(seconds) else {
            throw ConfigurationError(key: key, expected: expectation)
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A boolean that is present, or `nil`. Accepts JSON booleans and `true/false/1/0/yes/no`.
    /// - Throws: ``ConfigurationError`` naming the key.
    public func validatedBool(_ key: String) throws -> Bool? {
        guard hasValue(forKey: key) else { return nil }
        let configKey = ConfigKey(key)
        if let value = bool(forKey: configKey) { return value }
        switch string(forKey: configKey)?.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(key: key, expected: "true or false")
        }
    }

    /// One of `choices` that is present, or `nil`.
    /// - Throws: ``ConfigurationError`` listing the choices.
    public func validatedChoice(_ key: String, in choices: [String]) throws -> String? {
        try validatedString(key, expected: "one of " + choices.joined(separator: ", ")) { choices.contains($0) }
    }
}

extension Double {
    fileprivate func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
