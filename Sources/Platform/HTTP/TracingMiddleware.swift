public import HTTPTypes
public import Hummingbird
import Logging
public import Tracing

/// Starts a server span per request with an injected tracer: the W3C `traceparent` of the request becomes its
/// parent, the span's context is current while the request is handled (so outgoing calls and logs carry it), and
/// the response carries it back in `traceresponse`.
public struct TracingMiddleware: RouterMiddleware {
    public typealias Context = MasteryRequestContext
    let tracer: any Tracer

    /// Creates the middleware with the tracer: ``TraceContextTracer`` by default, an exporting tracer once the
    /// tracing system provides one.
    public init(tracer: any Tracer = TraceContextTracer()) {
        self.tracer = tracer
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var serviceContext = ServiceContext.current ?? .topLevel
        tracer.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        let span = tracer.startSpan(
            "\(request.method.rawValue) \(context.matchedRoute ?? "unmatched")",
            context: serviceContext,
            ofKind: .server
        )
        defer { span.end() }
        var context = context
        if let traceContext = span.context.traceContext {
            context.logger[metadataKey: "trace_id"] = .string(traceContext.traceID)
        }
        return try await ServiceContext.withValue(span.context) {
            var response = try await next(request, context)
            tracer.inject(span.context, into: &response.headers, using: TraceResponseInjector())
            return response
        }
    }
}

/// Reads trace headers from `HTTPFields`.
public struct HTTPFieldsExtractor: Extractor {
    /// Creates the extractor.
    public init() {}
    public func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}

/// Writes trace headers into `HTTPFields` (outgoing requests).
public struct HTTPFieldsInjector: Injector {
    /// Creates the injector.
    public init() {}
    public func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        if let name = HTTPField.Name(key) { carrier[name] = value }
    }
}

/// Writes the server span into a response: `traceparent` becomes `traceresponse`; `tracestate` is not echoed.
struct TraceResponseInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        if key == "traceparent" { carrier[.traceresponse] = value }
    }
}
