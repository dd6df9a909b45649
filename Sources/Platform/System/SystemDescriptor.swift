/// One row of the roadmap: a system's number, name, module and where its faces live.
public struct SystemDescriptor: Sendable, Hashable, Codable {
    /// The roadmap number (0–40).
    public var number: Int
    /// The system's name ("Distributed rate limiter").
    public var name: String
    /// The Swift module (`RateLimiting`).
    public var module: String
    /// The short name used in URLs, CLI verbs and configuration scopes (`ratelimit`).
    public var slug: String
    /// What it must do.
    public var summary: String
    /// The peers it is measured against.
    public var anchors: String

    /// Creates a descriptor.
    public init(number: Int, name: String, module: String, slug: String, summary: String, anchors: String) {
        self.number = number
        self.name = name
        self.module = module
        self.slug = slug
        self.summary = summary
        self.anchors = anchors
    }

    /// The number as the roadmap writes it (`01`).
    public var paddedNumber: String { number < 10 ? "0\(number)" : "\(number)" }
    /// The system's HTTP API prefix (`/v1/ratelimit`).
    public var apiPath: String { "/v1/\(slug)" }
    /// The system's dashboard page (`/systems/ratelimit`).
    public var pagePath: String { "/systems/\(slug)" }
}
