import Foundation

/// Helpers that show connection URLs without their passwords.
public enum RedactedURL {
    /// The URL with any password replaced by `***` (`redis://:secret@host` → `redis://:***@host`).
    ///
    /// Works on malformed input too: everything between `://` and the last `@` before the host is treated as
    /// credentials, and only the user name survives.
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "***" }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let credentials = authority[..<at]
        let user = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let hasPassword = credentials.contains(":")
        return url[..<schemeEnd.upperBound] + user + (hasPassword ? ":***" : "") + authority[at...]
            + rest[authorityEnd...]
    }

    /// Whether `url` starts with one of the schemes followed by `://` and something after it.
    public static func hasScheme(_ url: String, in schemes: [String]) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        return schemes.contains(scheme) && url[schemeEnd.upperBound...].count > 0
    }
}
