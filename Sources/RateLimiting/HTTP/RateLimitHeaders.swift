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
        guard !result.decisions.isEmpty else { return fields }
        fields[policyField] = policyValue(result.decisions.map(\.policy))
        let retryAfter = result.allowed ? nil : result.retryAfter.map(retryAfterSeconds)
        fields[limitField] = limitValue(result.decisions, capping: retryAfter)
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        return fields
    }

    /// The `RateLimit-Policy` value: one item per policy, in order.
    public static func policyValue(_ policies: [RateLimitPolicy]) -> String {
        var value = ""
        for (index, policy) in policies.enumerated() {
            let (quota, window) = quotaAndWindow(policy)
            if index > 0 { value += ", " }
            value += string(policy.name)
            value += ";q="
            value += String(quota)
            value += ";w="
            value += String(window)
        }
        return value
    }

    /// The `RateLimit` value: one item per decision, in order; every `t` at most `cap` seconds when given.
    public static func limitValue(_ decisions: [RateLimitDecision], capping cap: Int? = nil) -> String {
        var value = ""
        for (index, decision) in decisions.enumerated() {
            let microseconds = max(0, decision.resetAfterMicroseconds)
            let reset = min(Int((microseconds + 999_999) / 1_000_000), cap ?? .max)
            if index > 0 { value += ", " }
            value += string(decision.policy.name)
            value += ";r="
            value += String(max(0, decision.remaining))
            value += ";t="
            value += String(reset)
        }
        return value
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
    static func quotaAndWindow(_ policy: RateLimitPolicy) -> (quota: Int, window: Int64) {
        let microseconds = policy.windowMicroseconds
        let window = (microseconds + 999_999) / 1_000_000
        guard microseconds % 1_000_000 != 0 else { return (policy.limit, window) }
        // limit × whole window / window, in full width: no intermediate overflow.
        let product = Int64(policy.limit).multipliedFullWidth(by: window * 1_000_000)
        let quota = microseconds.dividingFullWidth(product).quotient
        return (Int(quota), window)
    }

    /// An sf-string (RFC 9651 §3.3.3): quoted, `"` and `\` escaped; characters outside printable ASCII (which
    /// valid policy names never contain) become `?`.
    static func string(_ text: String) -> String {
        // Valid policy names (A-Z a-z 0-9 . _ - :) need no escaping: the hot path.
        if RateLimitPolicy.isValidName(text) { return "\"" + text + "\"" }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": result += "\\" + String(scalar)
            case " "..."~": result.unicodeScalars.append(scalar)
            default: result += "?"
            }
        }
        return result + "\""
    }
}
