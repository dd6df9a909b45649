public import HTTPTypes

/// The `RateLimit-Policy`, `RateLimit` and `Retry-After` fields of a decision, in the structured-field form of
/// draft-ietf-httpapi-ratelimit-headers (revision 11, May 2026).
///
/// - `RateLimit-Policy: "api";q=100;w=60` — each policy as a String item with its quota `q` (the policy's
///   `limit`) and window `w` in whole seconds. A window that is not a whole number of seconds (the draft has no
///   sub-second precision) is announced as the next whole second with the quota scaled to it, rounded down:
///   10 per 0.5 s reads `q=20;w=1`.
/// - `RateLimit: "api";r=42;t=12` — each policy's remaining units `r` and the seconds `t` until its key is back
///   to full, rounded up. On a rejected request no `t` exceeds `Retry-After` (the draft: `Retry-After` should
///   not point before the end of the effective window).
/// - `Retry-After: 3` — on a rejection, the seconds until the same request would be admitted, rounded up and
///   at least 1; absent when the request's cost exceeds what a policy can ever admit at once.
///
/// Keys never appear in these fields (the draft's `pk` parameter is not sent): a key can be a client's
/// address or a digest of its credentials, and a hostile key must not be able to shape a response header.
public enum RateLimitHeaders {
    /// `RateLimit-Policy`.
    public static let policyField = HTTPField.Name("RateLimit-Policy")!
    /// `RateLimit`.
    public static let limitField = HTTPField.Name("RateLimit")!

    /// The fields for a request's result: `RateLimit-Policy` and `RateLimit` always, `Retry-After` when it was
    /// rejected and can be retried.
    public static func fields(for result: RateLimitResult) -> HTTPFields {
        var fields = HTTPFields()
        append(result, to: &fields)
        return fields
    }

    /// Appends the fields for a request's result (see ``fields(for:)``) to `fields`: what the middleware does
    /// to each response, without building a second field list.
    public static func append(_ result: RateLimitResult, to fields: inout HTTPFields) {
        let decisions = result.decisions
        guard !decisions.isEmpty else { return }
        let retryAfter = result.allowed ? nil : result.retryAfter.map(retryAfterSeconds)
        fields.reserveCapacity(fields.count + (retryAfter == nil ? 2 : 3))
        fields.append(HTTPField(name: policyField, value: policyValue(decisions, \.policy)))
        fields.append(HTTPField(name: limitField, value: limitValue(decisions, capping: retryAfter)))
        if let retryAfter { fields.append(HTTPField(name: .retryAfter, value: String(retryAfter))) }
    }

    /// The `RateLimit-Policy` value: one item per policy, in order.
    public static func policyValue(_ policies: [RateLimitPolicy]) -> String {
        policyValue(policies, \.self)
    }

    /// The `RateLimit-Policy` value of the policies of `elements`, written at once. (Not computed once per policy
    /// and kept in it: a policy is copied into every check and decision, and a heap string in it would make each
    /// copy touch one shared reference count from every core.)
    static func policyValue<Element>(_ elements: [Element], _ policy: (Element) -> RateLimitPolicy) -> String {
        var capacity = 0
        for element in elements { capacity += policy(element).name.utf8.count + FieldValueWriter.itemOverhead }
        return FieldValueWriter.string(capacity: capacity) { writer in
            for (index, element) in elements.enumerated() {
                let policy = policy(element)
                let (quota, window) = quotaAndWindow(limit: policy.limit, windowMicroseconds: policy.windowMicroseconds)
                if index > 0 { writer.write(", ") }
                writer.writeItem(policy.name)
                writer.write(";q=")
                writer.write(quota)
                writer.write(";w=")
                writer.write(window)
            }
        }
    }

    /// The `RateLimit` value: one item per decision, in order; every `t` at most `cap` seconds when given.
    public static func limitValue(_ decisions: [RateLimitDecision], capping cap: Int? = nil) -> String {
        var capacity = 0
        for decision in decisions { capacity += decision.policy.name.utf8.count + FieldValueWriter.itemOverhead }
        return FieldValueWriter.string(capacity: capacity) { writer in
            for (index, decision) in decisions.enumerated() {
                let microseconds = max(0, decision.resetAfterMicroseconds)
                let reset = min((microseconds + 999_999) / 1_000_000, Int64(cap ?? .max))
                if index > 0 { writer.write(", ") }
                writer.writeItem(decision.policy.name)
                writer.write(";r=")
                writer.write(Int64(max(0, decision.remaining)))
                writer.write(";t=")
                writer.write(reset)
            }
        }
    }

    /// `Retry-After` for a wait: whole seconds rounded up, at least 1.
    public static func retryAfterSeconds(_ wait: Duration) -> Int {
        max(1, seconds(roundingUp: wait))
    }

    /// A duration in whole seconds, rounded up (0 for zero and negative durations).
    public static func seconds(roundingUp duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return 0 }
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// The quota and the whole-second window announced for a policy.
    static func quotaAndWindow(limit: Int, windowMicroseconds microseconds: Int64) -> (quota: Int64, window: Int64) {
        let window = (microseconds + 999_999) / 1_000_000
        guard microseconds % 1_000_000 != 0 else { return (Int64(limit), window) }
        // limit × whole window / window, in full width: no intermediate overflow.
        let product = Int64(limit).multipliedFullWidth(by: window * 1_000_000)
        return (microseconds.dividingFullWidth(product).quotient, window)
    }
}

/// Writes a field value's bytes straight into a new string: one allocation per value, no intermediate strings.
struct FieldValueWriter {
    /// The most bytes an item adds besides its name: two quotes, `, `, two parameters of up to 19 digits each.
    static let itemOverhead = 2 + 2 + 3 + 19 + 3 + 19

    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    /// A string of at most `capacity` bytes written by `body`.
    static func string(capacity: Int, _ body: (inout FieldValueWriter) -> Void) -> String {
        String(unsafeUninitializedCapacity: max(1, capacity)) { buffer in
            var writer = FieldValueWriter(buffer: buffer)
            body(&writer)
            return writer.count
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { write($0) }
    }

    /// A policy name as an sf-string (RFC 9651 §3.3.3). Policy names are validated when a policy is created
    /// (`A-Z a-z 0-9 . _ - :`), so they need no escaping; were one ever to hold another byte, `HTTPField`
    /// would still turn it into a space, so no value can break out of its field.
    mutating func writeItem(_ name: String) {
        var name = name
        write(UInt8(ascii: "\""))
        name.withUTF8 { write($0) }
        write(UInt8(ascii: "\""))
    }

    /// A non-negative integer in decimal (a negative one is written as 0).
    mutating func write(_ number: Int64) {
        var value = UInt64(max(0, number))
        var digits = 1
        var bound: UInt64 = 10
        while digits < 19, value >= bound {
            digits += 1
            bound *= 10
        }
        precondition(count + digits <= buffer.count, "field value capacity")
        var position = count + digits
        repeat {
            position -= 1
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 10)
            buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remainder)
            value = quotient
        } while position > count
        count += digits
    }

    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(count + bytes.count <= buffer.count, "field value capacity")
        guard let base = bytes.baseAddress else { return }
        (buffer.baseAddress! + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    private mutating func write(_ byte: UInt8) {
        precondition(count < buffer.count, "field value capacity")
        buffer[count] = byte
        count += 1
    }
}
