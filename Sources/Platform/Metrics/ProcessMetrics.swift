import Foundation
public import Prometheus

/// The standard Prometheus process metrics, read from `/proc/self` at scrape time (no package here provides
/// them): `process_resident_memory_bytes`, `process_virtual_memory_bytes`, `process_cpu_seconds_total`,
/// `process_open_fds`, `process_max_fds` and `process_start_time_seconds`.
public struct ProcessMetrics: Sendable {
    /// One reading of the process's state.
    public struct Sample: Sendable, Equatable {
        /// Resident set size, in bytes.
        public var residentMemoryBytes: Double
        /// Virtual memory size, in bytes.
        public var virtualMemoryBytes: Double
        /// User plus system CPU time, in seconds.
        public var cpuSeconds: Double
        /// Open file descriptors.
        public var openFileDescriptors: Double
        /// The soft limit on open file descriptors.
        public var maxFileDescriptors: Double
        /// When the process started, in seconds since the Unix epoch.
        public var startTimeSeconds: Double
    }

    let residentMemory: Gauge
    let virtualMemory: Gauge
    let cpuSeconds: Gauge
    let openFileDescriptors: Gauge
    let maxFileDescriptors: Gauge
    let startTime: Gauge

    /// Registers the gauges in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        residentMemory = registry.makeGauge(
            descriptor: .init(
                namespace: "process",
                metricName: "resident_memory",
                unitName: "bytes",
                helpText: "Resident memory size in bytes."
            )
        )
        virtualMemory = registry.makeGauge(
            descriptor: .init(
                namespace: "process",
                metricName: "virtual_memory",
                unitName: "bytes",
                helpText: "Virtual memory size in bytes."
            )
        )
        cpuSeconds = registry.makeGauge(
            descriptor: .init(
                namespace: "process",
                metricName: "cpu",
                unitName: "seconds_total",
                helpText: "Total user and system CPU time spent in seconds."
            )
        )
        openFileDescriptors = registry.makeGauge(
            descriptor: .init(
                namespace: "process",
                metricName: "open",
                unitName: "fds",
                helpText: "Number of open file descriptors."
            )
        )
        maxFileDescriptors = registry.makeGauge(
            descriptor: .init(
                namespace: "process",
                metricName: "max",
                unitName: "fds",
                helpText: "Maximum number of open file descriptors."
            )
        )
        startTime = registry.makeGauge(
            descriptor: .init(
                namespace: "process",
                metricName: "start_time",
                unitName: "seconds",
                helpText: "Start time of the process since unix epoch in seconds."
            )
        )
    }

    /// Reads `/proc` and updates the gauges; a reading that fails leaves the previous values.
    public func update() {
        guard let sample = Self.read() else { return }
        residentMemory.set(sample.residentMemoryBytes)
        virtualMemory.set(sample.virtualMemoryBytes)
        cpuSeconds.set(sample.cpuSeconds)
        openFileDescriptors.set(sample.openFileDescriptors)
        maxFileDescriptors.set(sample.maxFileDescriptors)
        startTime.set(sample.startTimeSeconds)
    }

    /// Reads the current process's state from `/proc/self`, or `nil` where `/proc` is unavailable.
    public static func read() -> Sample? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8)
        else { return nil }
        guard let fields = parseStat(stat) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let uptimeSeconds = Double(uptime.split(separator: " ").first ?? "") ?? 0
        let bootTime = Date().timeIntervalSince1970 - uptimeSeconds
        let openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Sample(
            residentMemoryBytes: fields.rss * pageSize,
            virtualMemoryBytes: fields.vsize,
            cpuSeconds: (fields.utime + fields.stime) / ticks,
            openFileDescriptors: Double(max(0, openFDs - 1)),  // the directory listing itself holds one
            maxFileDescriptors: Double(limit.rlim_cur),
            startTimeSeconds: (bootTime + fields.startTicks / ticks).rounded()
        )
    }

    /// The fields we need from `/proc/self/stat`. The command name (field 2) may contain spaces and parentheses,
    /// so fields are counted from the last `)`.
    static func parseStat(
        _ stat: String
    ) -> (utime: Double, stime: Double, startTicks: Double, vsize: Double, rss: Double)? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state); field n is rest[n - 3].
        guard rest.count > 21, let utime = Double(rest[11]), let stime = Double(rest[12]),
            let start = Double(rest[19]), let vsize = Double(rest[20]), let rss = Double(rest[21])
        else { return nil }
        return (utime, stime, start, vsize, rss)
    }
}
