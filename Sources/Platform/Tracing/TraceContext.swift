public import Tracing

/// A W3C Trace Context (`traceparent`): trace ID, parent span ID and flags.
public struct TraceContext: Sendable, Hashable {
    /// 32 lowercase hex digits, not all zero.
    public var traceID: String
    /// 16 lowercase hex digits, not all zero: the span this context points at.
    public var spanID: String
    /// The trace flags byte (bit 0: sampled).
    public var flags: UInt8

    /// Creates a context from its parts (not validated: use ``init(traceparent:)`` for input).
    public init(traceID: String, spanID: String, flags: UInt8) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// Parses a `traceparent` header (version 00, or a higher version read as 00 per the spec); `nil` if malformed.
    public init?(traceparent: String) {
        let parts = traceparent.trimmingPrefix(" ").split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts.prefix(4).allSatisfy({ $0.utf8.allSatisfy(Self.isLowerHex) }),
            parts[0] != "ff", parts[0] != "00" || parts.count == 4,
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }),
            let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        self.init(traceID: String(parts[1]), spanID: String(parts[2]), flags: flags)
    }

    /// The `traceparent` header value.
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-" + String(format2: flags)
    }

    /// A new root context with random IDs, sampled.
    public static func random() -> TraceContext {
        TraceContext(traceID: randomHex(bytes: 16), spanID: randomHex(bytes: 8), flags: 1)
    }

    /// A child of this context: same trace, a new span ID.
    public func child() -> TraceContext {
        TraceContext(traceID: traceID, spanID: Self.randomHex(bytes: 8), flags: flags)
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        while true {
            text = (0..<bytes).map { _ in String(format2: UInt8.random(in: 0...255, using: &generator)) }.joined()
            if text.contains(where: { $0 != "0" }) { return text }
        }
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}

extension String {
    fileprivate init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// The key under which the current ``TraceContext`` travels in a `ServiceContext`.
public enum TraceContextKey: ServiceContextKey {
    public typealias Value = TraceContext
    public static var nameOverride: String? { "traceparent" }
}

extension ServiceContext {
    /// The W3C trace context of the current span, if any.
    public var traceContext: TraceContext? {
        get { self[TraceContextKey.self] }
        set { self[TraceContextKey.self] = newValue }
    }
}
