public import OpenAPIKit

extension OpenAPI.Document {
    /// The document with every path put under `prefix`: a system writes its paths relative to its API prefix
    /// (`/check`, and `/` or an empty path for the prefix itself) and is mounted under `/v1/<slug>`.
    ///
    /// `/check` under `/v1/ratelimit` is `/v1/ratelimit/check`; `/` is `/v1/ratelimit`. A trailing slash of a
    /// longer path is kept. Nothing else changes.
    /// - Parameter prefix: The API prefix, such as `/v1/ratelimit` (a trailing slash is ignored).
    public func prefixed(with prefix: String) -> OpenAPI.Document {
        let base = OpenAPI.Path(rawValue: prefix).components
        var paths = OpenAPI.PathItem.Map()
        for (path, item) in self.paths {
            let prefixed = OpenAPI.Path(
                base + path.components,
                trailingSlash: path.components.isEmpty ? false : path.trailingSlash
            )
            paths[prefixed] = item
        }
        var document = self
        document.paths = paths
        return document
    }
}
