import Platform

/// The body of `POST /v1/cache/purge`: keys, tags and URLs to invalidate on every instance, removed or (with
/// `soft`) marked stale. At most ``maximumTargets`` in all.
struct ResponseCachePurge: Codable, Sendable {
    var keys: [String]?
    var tags: [String]?
    /// URLs (`https://host/path?query`): every variant of each, through the tag the middleware gives it.
    var urls: [String]?
    var soft: Bool?

    static let maximumTargets = 1_000

    /// What a purge did.
    struct Outcome: Codable, Sendable {
        var purged: Int
        var soft: Bool
        /// Invalidations applied here but not yet recorded in Redis (it did not answer): recorded when it does.
        var pending: Int
    }

    func validate() throws {
        let count = (keys?.count ?? 0) + (tags?.count ?? 0) + (urls?.count ?? 0)
        guard count > 0 else { throw ProblemDetails.badRequest("Name at least one of keys, tags or urls.") }
        guard count <= Self.maximumTargets else {
            throw ProblemDetails.badRequest("At most \(Self.maximumTargets) keys, tags and urls in one purge.")
        }
        do {
            for key in keys ?? [] { try ResponseCacheKey.validate(key) }
            for tag in tags ?? [] { try ResponseCacheKey.validate(tag, kind: "tag") }
            for url in urls ?? [] { try ResponseCacheKey.validate(url, kind: "url") }
        } catch {
            throw ProblemDetails.badRequest("\(error.message).")
        }
    }

    func apply(to cache: ResponseCache) async throws -> Outcome {
        let soft = self.soft ?? false
        var pending = 0
        let targets =
            (keys ?? []).map { ResponseCacheInvalidation.Target.key($0) }
            + (tags ?? []).map { .tag($0) }
            + (urls ?? []).map { .tag("url:" + $0) }
        for target in targets {
            do {
                switch (target, soft) {
                case (.key(let key), false): try await cache.remove(key)
                case (.key(let key), true): try await cache.softPurge(key)
                case (.tag(let tag), false): try await cache.invalidate(tag: tag)
                case (.tag(let tag), true): try await cache.softPurge(tag: tag)
                case (.everything, _): break
                }
            } catch let error as ResponseCacheError where error.code == .storeUnavailable {
                pending += 1
            }
        }
        return Outcome(purged: targets.count, soft: soft, pending: pending)
    }
}
