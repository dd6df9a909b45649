/// A `host:port` of another service named in the configuration (a Redis Sentinel, …).
public struct ServiceAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host name or IP address (an IPv6 address without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, or `[host]:port` for an IPv6 address.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
