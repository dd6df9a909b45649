public import Logging
public import Tracing

/// The default tracer: it propagates W3C Trace Context (`traceparent`/`tracestate` extracted from incoming
/// requests, injected into outgoing ones, a new span ID per span) but records and exports nothing.
///
/// The tracing system (`Observability`) replaces it with an exporting tracer; until then every log line still
/// carries the `trace_id` of the request it belongs to, so logs of one request across services can be joined.
public struct TraceContextTracer: Tracer {
    /// Creates the tracer.
    public init() {}

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> PropagatingSpan {
        var context = context()
        context.traceContext = context.traceContext?.child() ?? .random()
        return PropagatingSpan(context: context, operationName: operationName)
    }

    public func startAnySpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> any Tracing.Span {
        startSpan(
            operationName,
            context: context(),
            ofKind: kind,
            at: instant(),
            function: function,
            file: fileID,
            line: line
        )
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier,
        into context: inout ServiceContext,
        using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier),
            let traceContext = TraceContext(traceparent: header)
        else { return }
        context.traceContext = traceContext
        if let state = extractor.extract(key: "tracestate", from: carrier), state.utf8.count <= 512 {
            context[TraceStateKey.self] = state
        }
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let traceContext = context.traceContext else { return }
        injector.inject(traceContext.traceparent, forKey: "traceparent", into: &carrier)
        if let state = context[TraceStateKey.self] {
            injector.inject(state, forKey: "tracestate", into: &carrier)
        }
    }

    /// Adds `trace_id` and `span_id` of the current span to every log line.
    public static let loggingMetadataProvider = Logger.MetadataProvider {
        guard let traceContext = ServiceContext.current?.traceContext else { return [:] }
        return ["trace_id": .string(traceContext.traceID), "span_id": .string(traceContext.spanID)]
    }

    /// A span that carries its trace context and nothing else.
    public struct PropagatingSpan: Tracing.Span {
        public let context: ServiceContext
        public var operationName: String {
            get { name }
            nonmutating set {}
        }
        let name: String

        init(context: ServiceContext, operationName: String) {
            self.context = context
            self.name = operationName
        }

        public var isRecording: Bool { false }
        public var attributes: SpanAttributes {
            get { [:] }
            nonmutating set {}
        }
        public func setStatus(_ status: SpanStatus) {}
        public func addEvent(_ event: SpanEvent) {}
        public func addLink(_ link: SpanLink) {}
        public func recordError<Instant: TracerInstant>(
            _ error: any Error,
            attributes: SpanAttributes,
            at instant: @autoclosure () -> Instant
        ) {}
        public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {}
    }
}

enum TraceStateKey: ServiceContextKey {
    typealias Value = String
}
