public import HTTPTypes

extension HTTPCachePolicy {
    /// The primary keys a shared cache invalidates after a response to an unsafe request (RFC 9111 §4.4).
    ///
    /// Only a method other than GET, HEAD, OPTIONS and TRACE with a 2xx or 3xx response invalidates: the target
    /// URI, and the URIs in `Location` and `Content-Location` when they have the same scheme and authority (so a
    /// response cannot invalidate another origin's entries). Relative references are resolved against the target.
    /// - Parameters:
    ///   - request: the request that went to the origin.
    ///   - response: the origin's response.
    /// - Returns: the keys to remove, without duplicates; empty when nothing is invalidated.
    public func invalidatedKeys(request: HTTPRequest, response: HTTPResponse) -> [HTTPCacheKey] {
        let safe: [HTTPRequest.Method] = [.get, .head, .options, .trace]
        guard !safe.contains(request.method), (200..<400).contains(response.status.code) else { return [] }
        let scheme = request.scheme ?? "http"
        let authority = request.authority ?? ""
        let target = HTTPCacheKey(request)
        let origin = HTTPCacheKey(scheme: scheme, authority: authority, path: "/").primary
        var keys = [target]
        for name in [HTTPField.Name.location, .contentLocation] {
            guard let reference = response.headerFields[values: name].first,
                let key = Self.resolve(reference, scheme: scheme, authority: authority, base: request.path ?? "/"),
                HTTPCacheKey(scheme: key.scheme, authority: key.authority, path: "/").primary == origin
            else { continue }
            let resolved = HTTPCacheKey(scheme: key.scheme, authority: key.authority, path: key.path)
            if !keys.contains(resolved) { keys.append(resolved) }
        }
        return keys
    }

    /// Resolves a URI reference against a request target (RFC 3986 §5.2, without dot-segment removal, which
    /// ``HTTPCacheKey`` does); `nil` for a reference without an authority, such as `mailto:`.
    private static func resolve(
        _ reference: String,
        scheme: String,
        authority: String,
        base: String
    ) -> (scheme: String, authority: String, path: String)? {
        let delimiters: Set<Character> = ["/", "?", "#"]
        if let colon = reference.firstIndex(of: ":"),
            !reference[..<colon].contains(where: { delimiters.contains($0) })
        {
            let rest = reference[reference.index(after: colon)...]
            guard rest.hasPrefix("//") else { return nil }
            let (host, path) = Self.splitAuthority(rest.dropFirst(2))
            return (String(reference[..<colon]), host, path)
        }
        if reference.hasPrefix("//") {
            let (host, path) = Self.splitAuthority(reference.dropFirst(2))
            return (scheme, host, path)
        }
        if reference.hasPrefix("/") { return (scheme, authority, reference) }
        let basePath = base.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if reference.hasPrefix("?") { return (scheme, authority, basePath + reference) }
        let directory = basePath.lastIndex(of: "/").map { basePath[...$0] } ?? "/"
        return (scheme, authority, directory + reference)
    }

    private static func splitAuthority(_ text: Substring) -> (authority: String, path: String) {
        let end = text.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        return (String(text[..<end]), String(text[end...]))
    }
}
