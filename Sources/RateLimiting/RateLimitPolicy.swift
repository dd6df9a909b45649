/// A named limit: which algorithm, how many per how long, how large a burst, and what to do when the shared store
/// is unreachable.
///
/// Policies are values: create them with ``init(name:algorithm:limit:window:burst:onStoreFailure:)``, which
/// rejects nonsense (zero or negative limits, zero windows, numbers that overflow) with
/// ``RateLimitError/Code-swift.struct/invalidPolicy``. Their JSON form is what the policy API and the Redis tier
/// store:
///
/// ```json
/// {"name": "api-per-second", "algorithm": "gcra", "limit": 10, "window": 1, "burst": 20, "onStoreFailure": "local", "localFraction": 0.5}
/// ```
///
/// `window` is in seconds (fractions allowed, whole microseconds kept).
public struct RateLimitPolicy: Sendable, Hashable {
    /// The longest policy name, in bytes.
    public static let maximumNameLength = 64
    /// The largest `limit` and `burst`.
    public static let maximumLimit = 1_000_000_000
    /// The largest `limit` of a sliding-window log: its state holds one entry per admitted request (each of at
    /// least one unit), so this bounds a key's live entries.
    public static let maximumLogLimit = 100_000
    /// The shortest window.
    public static let minimumWindow = Duration.milliseconds(1)
    /// The longest window (one year).
    public static let maximumWindow = Duration.seconds(366 * 86_400)
    /// Times in the Redis script are doubles: a burst's span must stay exact in them.
    static let maximumSpanMicroseconds: Int64 = 1 << 53

    /// The name: 1 to 64 characters from `A-Z a-z 0-9 . _ - :`, neither `.` nor `..` (no URL can address them).
    public let name: String
    /// How requests are counted.
    public let algorithm: RateLimitAlgorithm
    /// How many units (requests, or their cost) per ``window``: the quota `q` of the `RateLimit-Policy` header.
    public let limit: Int
    /// The period ``limit`` applies to: the `w` of the `RateLimit-Policy` header.
    public let window: Duration
    /// For GCRA and token bucket, how many units may pass at once (the bucket's capacity); `limit` when not given.
    /// Window algorithms have none.
    public let burst: Int?
    /// What decisions do while the shared store cannot answer.
    public let onStoreFailure: RateLimitFailureMode

    /// The window in microseconds, the unit every store computes in.
    public let windowMicroseconds: Int64
    /// The name's hash in this process, computed once (the in-memory store hashes it with every key).
    let nameHash: Int

    /// Creates a policy, checking that it makes sense.
    /// - Throws: ``RateLimitError`` with code `invalidPolicy`, naming the field and what it accepts.
    public init(
        name: String,
        algorithm: RateLimitAlgorithm,
        limit: Int,
        window: Duration,
        burst: Int? = nil,
        onStoreFailure: RateLimitFailureMode = .open
    ) throws {
        func invalid(_ message: String) -> RateLimitError {
            RateLimitError(.invalidPolicy, "policy \(Self.quoted(name)): \(message)")
        }
        guard Self.isValidName(name) else { throw RateLimitError(.invalidPolicy, Self.invalidNameMessage(name)) }
        guard limit >= 1, limit <= Self.maximumLimit else {
            throw invalid("limit must be between 1 and \(Self.maximumLimit), not \(limit)")
        }
        guard window >= Self.minimumWindow, window <= Self.maximumWindow else {
            throw invalid("window must be between 0.001 and \(Self.maximumWindow.components.seconds) seconds")
        }
        let windowMicroseconds =
            window.components.seconds * 1_000_000 + window.components.attoseconds / 1_000_000_000_000
        switch algorithm {
        case .gcra, .tokenBucket:
            let burst = burst ?? limit
            guard burst >= 1, burst <= Self.maximumLimit else {
                throw invalid("burst must be between 1 and \(Self.maximumLimit), not \(burst)")
            }
            let interval = windowMicroseconds / Int64(limit)
            guard interval >= 1 else {
                throw invalid(
                    "limit / window must be at most 1 per microsecond (\(limit) in \(windowMicroseconds) µs is faster)"
                )
            }
            let (span, overflow) = interval.multipliedReportingOverflow(by: Int64(burst))
            guard !overflow, span <= Self.maximumSpanMicroseconds else {
                throw invalid(
                    "burst × window / limit must be at most 2^53 µs (about 285 years); lower the burst or the window"
                )
            }
        case .slidingWindowLog, .slidingWindowCounter, .fixedWindow:
            guard burst == nil else {
                throw invalid("burst applies to gcra and token_bucket only, not \(algorithm)")
            }
            if algorithm == .slidingWindowLog, limit > Self.maximumLogLimit {
                throw invalid(
                    "a sliding_window_log keeps one entry per admitted request: its limit must be at most \(Self.maximumLogLimit)"
                )
            }
        }
        if case .localFallback(let fraction) = onStoreFailure {
            guard fraction > 0, fraction <= 1, fraction.isFinite else {
                throw invalid("localFraction must be in (0, 1], not \(fraction)")
            }
        }
        self.name = name
        self.algorithm = algorithm
        self.limit = limit
        self.window = window
        self.burst = algorithm.hasBurst ? (burst ?? limit) : nil
        self.onStoreFailure = onStoreFailure
        self.windowMicroseconds = windowMicroseconds
        self.nameHash = name.hashValue
    }

    /// The units that may pass at once: ``burst`` for GCRA and token bucket, ``limit`` for window algorithms.
    /// This is the `limit` a decision reports.
    public var capacity: Int { burst ?? limit }

    /// GCRA's emission interval (and the token bucket's time per token), in microseconds: `window / limit`,
    /// truncated to whole microseconds as redis-cell truncates to whole nanoseconds.
    public var intervalMicroseconds: Int64 { windowMicroseconds / Int64(limit) }

    /// Whether `name` is a valid policy name: 1 to 64 characters from `A-Z a-z 0-9 . _ - :`, and neither `.` nor
    /// `..` (a URL path cannot address them: clients resolve them as dot-segments).
    public static func isValidName(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard !utf8.isEmpty, utf8.count <= maximumNameLength, name != ".", name != ".." else { return false }
        return utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x3A
        }
    }

    /// Why `name` is not a valid policy name, for messages.
    static func invalidNameMessage(_ name: String) -> String {
        if name == "." || name == ".." {
            return "policy name \(quoted(name)) is invalid: \".\" and \"..\" cannot be addressed in a URL path"
        }
        return
            "policy name \(quoted(name)) is invalid: expected 1 to \(maximumNameLength) characters from A-Z a-z 0-9 . _ - :"
    }

    /// A name for messages: quoted, escaped and cut so a hostile string stays a short, printable token.
    static func quoted(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(Self.maximumNameLength) {
            result +=
                scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\"
                ? String(scalar) : scalar.escaped(asASCII: true)
        }
        return "\"\(result)\(text.unicodeScalars.count > Self.maximumNameLength ? "…" : "")\""
    }
}

/// What a policy's decisions do while the shared store (Redis) cannot answer within the decision timeout.
public enum RateLimitFailureMode: Sendable, Hashable {
    /// Admit every request (availability first).
    case open
    /// Reject every request (protection first).
    case closed
    /// Decide with this instance's in-memory store at `fraction` of the policy's limit and burst (each instance
    /// then admits its share of the global limit).
    case localFallback(fraction: Double)
}
