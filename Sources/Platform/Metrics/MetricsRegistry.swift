public import CoreMetrics
public import Prometheus

/// One server's metrics: a Prometheus registry, the swift-metrics factory that writes into it (with names made
/// Prometheus-safe: `http.server.requests` → `http_server_requests`), and the process metrics.
///
/// Each server owns one, so tests running several servers in one process never mix their series. The
/// executable also bootstraps swift-metrics with ``factory`` so libraries that use the global system report here.
public final class MetricsRegistry: Sendable {
    /// The Prometheus registry.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into ``registry``.
    public let factory: any MetricsFactory
    let process: ProcessMetrics

    /// Creates an empty registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.sanitize(name), labels.map { (Self.sanitize($0.0), $0.1) })
        }
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.registry = registry
        self.factory = factory
        self.process = ProcessMetrics(registry: registry)
    }

    /// The Prometheus text exposition of every metric, process metrics refreshed first.
    public func render() -> [UInt8] {
        process.update()
        return registry.emitToBuffer()
    }

    /// A metric or label name with every character outside `[a-zA-Z0-9_:]` replaced by `_`.
    public static func sanitize(_ name: String) -> String {
        var result = String.UnicodeScalarView()
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let isLetter =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == ":"
            let isDigit = ("0"..."9").contains(scalar)
            result.append(isLetter || (isDigit && index > 0) ? scalar : "_")
        }
        return String(result)
    }
}
