/// The JSON form of a policy, shared by the policy API, the CLI and the Redis tier:
/// `{"name", "algorithm", "limit", "window" (seconds), "burst"?, "onStoreFailure"? ("open" | "closed" | "local"),
/// "localFraction"? (with "local")}`. Decoding validates: a decoded policy always makes sense.
extension RateLimitPolicy: Codable {
    enum CodingKeys: String, CodingKey {
        case name, algorithm, limit, window, burst, onStoreFailure, localFraction
    }

    /// Decodes and validates a policy.
    /// - Throws: `DecodingError` for JSON of the wrong shape (a missing field, a string for a number, a number
    ///   too large for its field, an unknown algorithm); ``RateLimitError`` with code `invalidPolicy` for values
    ///   that make no sense.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        let algorithmName = try container.decode(String.self, forKey: .algorithm)
        guard let algorithm = RateLimitAlgorithm(rawValue: algorithmName) else {
            throw RateLimitError(
                .invalidPolicy,
                "policy \(Self.quoted(name)): unknown algorithm \(Self.quoted(algorithmName)); expected one of "
                    + RateLimitAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let limit = try container.decode(Int.self, forKey: .limit)
        let seconds = try container.decode(Double.self, forKey: .window)
        let maximum = Double(Self.maximumWindow.components.seconds)
        guard seconds.isFinite, seconds >= 0.001, seconds <= maximum else {
            throw RateLimitError(
                .invalidPolicy,
                "policy \(Self.quoted(name)): window must be a number of seconds between 0.001 and \(Int(maximum))"
            )
        }
        let burst = try container.decodeIfPresent(Int.self, forKey: .burst)
        let mode = try container.decodeIfPresent(String.self, forKey: .onStoreFailure) ?? "open"
        let fraction = try container.decodeIfPresent(Double.self, forKey: .localFraction)
        let failure: RateLimitFailureMode
        switch mode {
        case "open": failure = .open
        case "closed": failure = .closed
        case "local":
            guard let fraction else {
                throw RateLimitError(
                    .invalidPolicy,
                    "policy \(Self.quoted(name)): onStoreFailure \"local\" needs a localFraction in (0, 1]"
                )
            }
            failure = .localFallback(fraction: fraction)
        default:
            throw RateLimitError(
                .invalidPolicy,
                "policy \(Self.quoted(name)): onStoreFailure must be \"open\", \"closed\" or \"local\", not \(Self.quoted(mode))"
            )
        }
        if fraction != nil, mode != "local" {
            throw RateLimitError(
                .invalidPolicy,
                "policy \(Self.quoted(name)): localFraction applies only with onStoreFailure \"local\""
            )
        }
        try self.init(
            name: name,
            algorithm: algorithm,
            limit: limit,
            window: .microseconds(Int64((seconds * 1_000_000).rounded())),
            burst: burst,
            onStoreFailure: failure
        )
    }

    /// Encodes the policy (the window in seconds).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(algorithm.rawValue, forKey: .algorithm)
        try container.encode(limit, forKey: .limit)
        try container.encode(windowSeconds, forKey: .window)
        try container.encodeIfPresent(burst, forKey: .burst)
        switch onStoreFailure {
        case .open: try container.encode("open", forKey: .onStoreFailure)
        case .closed: try container.encode("closed", forKey: .onStoreFailure)
        case .localFallback(let fraction):
            try container.encode("local", forKey: .onStoreFailure)
            try container.encode(fraction, forKey: .localFraction)
        }
    }

    /// The window in seconds (the `w` of the `RateLimit-Policy` header, and the JSON `window`).
    public var windowSeconds: Double { Double(windowMicroseconds) / 1_000_000 }
}
