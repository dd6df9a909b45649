public import Hummingbird
import Logging

/// Logs one line per request at `.info` (`http.method`, `http.route`, `http.status`, `http.duration_ms`, plus the
/// request and trace IDs the outer middleware put in the logger). The raw path is logged only for unmatched
/// routes, shortened, since it is client input.
public struct RequestLogMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard context.logger.logLevel <= .info else { return try await next(request, context) }
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "http.method": .string(request.method.rawValue),
            "http.route": .string(context.matchedRoute ?? "unmatched"),
            "http.status": .stringConvertible(Int(response.status.code)),
            "http.duration_ms": .stringConvertible(Double(elapsed / .microseconds(1)) / 1000),
        ]
        if context.matchedRoute == nil {
            metadata["http.path"] = .string(ProblemMiddleware.printable(request.uri.path))
        }
        context.logger.info("Request", metadata: metadata)
        return response
    }
}
