import AsyncHTTPClient
public import Histogram
import NIOCore
import NIOHTTP1  // HTTPResponseStatus; comes with AsyncHTTPClient

/// Sends requests one after another over one connection (a closed loop) and records each latency in an
/// HdrHistogram, in microseconds.
///
/// Unlike wrk under full load, this measures the latency of a server that is not saturated: what one client
/// sees. The first request (which opens the connection) is not recorded.
public struct LatencyProbe: Sendable {
    /// What one probe measured.
    public struct Result: Sendable {
        /// Every recorded latency, in microseconds (3 significant digits).
        public var histogram: Histogram<UInt64>
        /// Percentiles of ``histogram``, in microseconds.
        public var percentiles: LatencyPercentiles { Self.percentiles(of: histogram) }

        /// Creates a result from a histogram of microseconds.
        public init(histogram: Histogram<UInt64>) {
            self.histogram = histogram
        }

        /// The p50, p90, p99, p99.9 and maximum of a histogram.
        public static func percentiles(of histogram: Histogram<UInt64>) -> LatencyPercentiles {
            LatencyPercentiles(
                p50: Double(histogram.valueAtPercentile(50)),
                p90: Double(histogram.valueAtPercentile(90)),
                p99: Double(histogram.valueAtPercentile(99)),
                p999: Double(histogram.valueAtPercentile(99.9)),
                max: Double(histogram.max)
            )
        }
    }

    /// The number of recorded requests, at least 1.
    public var requests: Int
    /// The longest a single request may take.
    public var requestTimeout: Duration

    /// Creates a probe.
    public init(requests: Int, requestTimeout: Duration = .seconds(10)) {
        self.requests = requests
        self.requestTimeout = requestTimeout
    }

    /// An empty histogram of microseconds, from 1 µs to 60 s, with 3 significant digits.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: 60_000_000,
            numberOfSignificantValueDigits: .three
        )
    }

    /// Records `elapsed` in a histogram from ``makeHistogram()``: whole microseconds, clamped to its 1 µs–60 s range.
    public static func record(_ elapsed: Duration, in histogram: inout Histogram<UInt64>) {
        histogram.record(UInt64(min(max(elapsed.microseconds, 1), 60_000_000)))
    }

    /// Sends ``requests`` sequential `GET` requests to `url` over one connection.
    /// - Throws: ``BenchmarkError/Code-swift.struct/invalidMeasurement`` when a response is not 200,
    ///   ``BenchmarkError/Code-swift.struct/invalidArgument`` when ``requests`` is below 1, or the client's error.
    public func run(url: String) async throws -> Result {
        guard requests >= 1 else {
            throw BenchmarkError(code: .invalidArgument, message: "the probe needs at least 1 request")
        }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let result = try await measure(client: client, url: url)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func measure(client: HTTPClient, url: String) async throws -> Result {
        let request = HTTPClientRequest(url: url)
        let timeout = TimeAmount.nanoseconds(
            requestTimeout.components.seconds * 1_000_000_000 + requestTimeout.components.attoseconds / 1_000_000_000
        )
        var histogram = Self.makeHistogram()
        let clock = ContinuousClock()
        for index in 0...requests {
            let start = clock.now
            let response = try await client.execute(request, timeout: timeout)
            _ = try await response.body.collect(upTo: 16 << 20)
            let elapsed = clock.now - start
            guard response.status == .ok else {
                throw BenchmarkError(
                    code: .invalidMeasurement,
                    message: "\(url) answered \(response.status.code) during the latency probe"
                )
            }
            if index > 0 {  // request 0 opened the connection
                Self.record(elapsed, in: &histogram)
            }
        }
        return Result(histogram: histogram)
    }
}
