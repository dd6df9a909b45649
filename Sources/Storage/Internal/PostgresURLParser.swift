import Foundation

/// Parses `postgres://` URLs by hand, so every error can name the part that is wrong without echoing the input.
enum PostgresURLParser {
    static func parse(_ string: String) throws -> PostgresURL {
        guard let schemeEnd = string.range(of: "://") else {
            throw invalid("expected postgres://user[:password]@host[:port][/database]")
        }
        let scheme = string[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("scheme: expected postgres:// or postgresql://")
        }
        var rest = Substring(string[schemeEnd.upperBound...])
        guard !rest.contains("#") else { throw invalid("a fragment (#…) is not allowed; percent-encode # as %23") }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        // Authority: user[:password]@host[:port]
        guard let at = rest.lastIndex(of: "@") else { throw invalid("user: missing (expected user@host)") }
        let userInfo = rest[..<at]
        let hostPort = rest[rest.index(after: at)...]
        let rawUser: Substring
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            rawUser = userInfo[..<colon]
            password = try decode(userInfo[userInfo.index(after: colon)...], part: "password")
        } else {
            rawUser = userInfo
        }
        let username = try decode(rawUser, part: "user")
        guard !username.isEmpty else { throw invalid("user: missing (expected user@host)") }

        let (host, port) = try parseHostPort(hostPort)

        guard !path.contains("/") else { throw invalid("database: expected a single path segment (/database)") }
        let database = path.isEmpty ? username : try decode(path, part: "database")

        var sslMode = PostgresURL.SSLMode.prefer
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try decode(parts[0], part: "query parameter name")
            guard key == "sslmode" else {
                let shown = key.count <= 40 && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? key : "…"
                throw invalid("unknown query parameter \"\(shown)\" (accepted: sslmode)")
            }
            guard seen.insert(key).inserted else { throw invalid("sslmode: given more than once") }
            let value = parts.count == 2 ? try decode(parts[1], part: "sslmode") : ""
            guard let mode = PostgresURL.SSLMode(value) else {
                throw invalid("sslmode: expected disable, prefer, require or verify-full")
            }
            sslMode = mode
        }
        return PostgresURL(
            username: username,
            password: password,
            host: host,
            port: port,
            database: database,
            sslMode: sslMode
        )
    }

    private static func parseHostPort(_ text: Substring) throws -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("host: unclosed [ in an IPv6 address") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("host: unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw invalid("host: missing") }
        let decodedHost = try decode(host, part: "host")
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw invalid("port: expected a number from 1 to 65535")
            }
            port = value
        }
        return (decodedHost, port)
    }

    private static func decode(_ text: Substring, part: String) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw invalid("\(part): invalid percent-encoding")
        }
        return decoded
    }

    private static func invalid(_ reason: String) -> StorageError {
        StorageError(code: .invalidURL, message: "invalid PostgreSQL URL: \(reason)")
    }
}
