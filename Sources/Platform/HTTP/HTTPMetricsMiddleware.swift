public import CoreMetrics
public import Hummingbird
import Metrics
import Synchronization

/// Records OpenTelemetry's HTTP server metrics: `http_server_request_duration_seconds` (a histogram) and
/// `http_server_requests_total` by `http.route`, `http.request.method` and `http.response.status_code`, and
/// `http_server_active_requests`. Unmatched paths share the route `unmatched`, so hostile URLs cannot blow up
/// the number of series.
public struct HTTPMetricsMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext
    let instruments: Instruments

    /// Creates the middleware, recording through `factory`.
    public init(factory: any MetricsFactory) {
        self.instruments = Instruments(factory: factory)
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        instruments.active.increment()
        defer { instruments.active.decrement() }
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = Int(response.status.code)
        } catch let error as any HTTPResponseError {
            instruments.record(request: request, context: context, status: Int(error.status.code), since: start)
            throw error
        } catch {
            instruments.record(request: request, context: context, status: 500, since: start)
            throw error
        }
        instruments.record(request: request, context: context, status: status, since: start)
        return response
    }

    final class Instruments: Sendable {
        let factory: any MetricsFactory
        let active: Meter
        let series: Mutex<[SeriesKey: (Counter, Timer)]> = .init([:])

        struct SeriesKey: Hashable {
            var route: String
            var method: String
            var status: Int
        }

        init(factory: any MetricsFactory) {
            self.factory = factory
            self.active = Meter(label: "http.server.active_requests", dimensions: [], factory: factory)
        }

        func record(request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
            let key = SeriesKey(
                route: context.matchedRoute ?? "unmatched",
                method: Self.knownMethods.contains(request.method.rawValue) ? request.method.rawValue : "_OTHER",
                status: status
            )
            let (counter, timer) = series.withLock { series in
                if let existing = series[key] { return existing }
                let dimensions = [
                    ("http_route", key.route), ("http_request_method", key.method),
                    ("http_response_status_code", String(key.status)),
                ]
                let made = (
                    Counter(label: "http.server.requests.total", dimensions: dimensions, factory: factory),
                    Timer(label: "http.server.request.duration.seconds", dimensions: dimensions, factory: factory)
                )
                series[key] = made
                return made
            }
            counter.increment()
            timer.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
        }

        static let knownMethods: Set<String> = [
            "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
        ]
    }
}
