public import HTTPTypes

/// Conditional requests and header updates between a shared cache, its clients and the origin
/// (RFC 9110 §13, RFC 9111 §3.1, §4.3).
public enum HTTPCacheValidation: Sendable {
    /// The header fields a cache never stores or updates: hop-by-hop and proxy fields (RFC 9111 §3.1).
    static let hopByHopNames: [HTTPField.Name] = [
        .connection, .te, .transferEncoding, .upgrade, .proxyAuthenticate, .proxyAuthenticationInfo,
        .proxyAuthorization, HTTPField.Name("Keep-Alive")!, HTTPField.Name("Proxy-Connection")!,
    ]

    /// The request to send to the origin to validate a stored response (RFC 9111 §4.3.1): the client's
    /// request without its own preconditions, plus `If-None-Match` from the stored `ETag` and
    /// `If-Modified-Since` from the stored `Last-Modified`.
    /// - Parameters:
    ///   - request: the client's request.
    ///   - stored: the stored response's metadata.
    public static func revalidationRequest(for request: HTTPRequest, stored: HTTPCacheMetadata) -> HTTPRequest {
        var request = request
        for name in [HTTPField.Name.ifNoneMatch, .ifModifiedSince, .ifMatch, .ifUnmodifiedSince, .ifRange] {
            request.headerFields[name] = nil
        }
        if let entityTag = stored.entityTag { request.headerFields[.ifNoneMatch] = entityTag }
        if let lastModified = stored.lastModified { request.headerFields[.ifModifiedSince] = lastModified }
        return request
    }

    /// Whether a stored response answers the client's conditional GET or HEAD with 304 (RFC 9110 §13.2.2).
    ///
    /// `If-None-Match` is evaluated with weak comparison and, when present, decides alone; otherwise a valid
    /// `If-Modified-Since` is compared with the stored `Last-Modified`, or its `Date` when it has none
    /// (RFC 9111 §4.3.2). A malformed `If-None-Match` never matches.
    /// - Parameters:
    ///   - request: the client's request.
    ///   - stored: the stored response's metadata.
    public static func isNotModified(request: HTTPRequest, stored: HTTPCacheMetadata) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let noneMatch = request.headerFields[values: .ifNoneMatch]
        if !noneMatch.isEmpty {
            guard let list = HTTPEntityTag.List(lines: noneMatch) else { return false }
            return list.weakMatches(stored.entityTag.flatMap { HTTPEntityTag(parsing: $0) })
        }
        let modifiedSince = request.headerFields[values: .ifModifiedSince]
        guard modifiedSince.count == 1, let since = HTTPCacheDate.parse(modifiedSince[0]) else { return false }
        let lastModified = stored.lastModified.flatMap { HTTPCacheDate.parse($0) } ?? stored.date
        return lastModified <= since
    }

    /// The header fields of a 304 generated from a stored response (RFC 9110 §15.4.5): `Cache-Control`,
    /// `Content-Location`, `Date`, `ETag`, `Expires` and `Vary`, plus `Last-Modified` when there is no `ETag`.
    /// - Parameter storedFields: the stored response's header fields.
    public static func notModifiedFields(from storedFields: HTTPFields) -> HTTPFields {
        var names: [HTTPField.Name] = [.cacheControl, .contentLocation, .date, .eTag, .expires, .vary]
        if storedFields[.eTag] == nil { names.append(.lastModified) }
        var fields = HTTPFields()
        for field in storedFields where names.contains(field.name) {
            fields.append(field)
        }
        return fields
    }

    /// The header fields to store from a response: without hop-by-hop fields and those named in
    /// `Connection` (RFC 9111 §3.1).
    /// - Parameter fields: the response header fields.
    public static func storableFields(_ fields: HTTPFields) -> HTTPFields {
        let excluded = Self.excludedNames(fields)
        var result = HTTPFields()
        for field in fields where !excluded.contains(field.name) {
            result.append(field)
        }
        return result
    }

    /// Updates stored header fields from a 304 (RFC 9111 §3.2, §4.3.4): each field of the 304 replaces every
    /// stored field of that name, except `Content-Length` and hop-by-hop fields. The stored `Age` is dropped (it
    /// described the old response).
    /// - Parameters:
    ///   - stored: the stored response's header fields.
    ///   - notModified: the 304's header fields.
    public static func updatedFields(stored: HTTPFields, notModified: HTTPFields) -> HTTPFields {
        let excluded = Self.excludedNames(notModified) + [.contentLength]
        var replaced: [HTTPField.Name] = [.age]
        for field in notModified where !excluded.contains(field.name) && !replaced.contains(field.name) {
            replaced.append(field.name)
        }
        var result = HTTPFields()
        for field in stored where !replaced.contains(field.name) {
            result.append(field)
        }
        for field in notModified where replaced.contains(field.name) {
            result.append(field)
        }
        return result
    }

    /// Whether a 304 from the origin validates the stored response (RFC 9111 §4.3.4): its `ETag`, if any, must
    /// equal the stored one; else its `Last-Modified`, if any, must equal the stored one.
    /// - Parameters:
    ///   - stored: the stored response's metadata.
    ///   - notModified: the 304's header fields.
    public static func validates(stored: HTTPCacheMetadata, notModified: HTTPFields) -> Bool {
        if let tagText = notModified[values: .eTag].first {
            guard let tag = HTTPEntityTag(parsing: tagText),
                let storedTag = stored.entityTag.flatMap({ HTTPEntityTag(parsing: $0) })
            else { return false }
            return tag == storedTag
        }
        if let modified = notModified[values: .lastModified].first.flatMap({ HTTPCacheDate.parse($0) }) {
            return modified == stored.lastModified.flatMap { HTTPCacheDate.parse($0) }
        }
        return true
    }

    private static func excludedNames(_ fields: HTTPFields) -> [HTTPField.Name] {
        let listed = HTTPFieldListParser.members(fields[values: .connection]).compactMap { HTTPField.Name($0) }
        return Self.hopByHopNames + listed
    }
}
