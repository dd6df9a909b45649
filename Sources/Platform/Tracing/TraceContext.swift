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

    /// `bytes` random bytes as lowercase hex, never all zero: 8 bytes per call of the system generator, no
    /// per-byte allocation (this runs several times per request).
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            var allZero = true
            let text = String(unsafeUninitializedCapacity: bytes * 2) { buffer in
                var written = 0
                var word: UInt64 = 0
                for index in 0..<bytes {
                    if index % 8 == 0 { word = generator.next() }
                    let byte = UInt8(truncatingIfNeeded: word >> (UInt64(index % 8) * 8))
                    if byte != 0 { allZero = false }
                    buffer[written] = hexDigits[Int(byte >> 4)]
                    buffer[written + 1] = hexDigits[Int(byte & 0x0F)]
                    written += 2
                }
                return written
            }
            if !allZero { return text }
        }
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

extension String {
    fileprivate init(format2 byte: UInt8) {
        self = String(decoding: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]], as: UTF8.self)
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
