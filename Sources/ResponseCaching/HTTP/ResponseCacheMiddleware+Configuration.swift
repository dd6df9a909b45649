extension ResponseCacheMiddleware {
    /// The middleware's settings.
    public struct Configuration: Sendable {
        /// The cache's name in `Cache-Status`.
        public var name: String
        /// Responses with a larger body are passed on, never stored.
        public var maximumBodySize: Int
        /// How long a stale response is kept: to be revalidated with a conditional request when it has a validator
        /// (`ETag`, `Last-Modified`), served to requests whose `max-stale` accepts it, and served if the origin
        /// fails and its `stale-if-error` allows.
        public var keepStale: Duration
        /// How long a request waits for another's origin call of the same URL before it is answered 504 (or
        /// stale).
        public var waitTimeout: Duration
        /// The RFC 9111 rules' settings (heuristic freshness, `Set-Cookie`).
        public var policy: HTTPCachePolicy.Configuration

        /// The defaults: name `mastery`, 1 MiB bodies, stale responses kept an hour, 30 s waits.
        public init(
            name: String = "mastery",
            maximumBodySize: Int = 1 << 20,
            keepStale: Duration = .seconds(3_600),
            waitTimeout: Duration = .seconds(30),
            policy: HTTPCachePolicy.Configuration = HTTPCachePolicy.Configuration()
        ) {
            self.name = name
            self.maximumBodySize = maximumBodySize
            self.keepStale = keepStale
            self.waitTimeout = waitTimeout
            self.policy = policy
        }
    }
}
