import Hummingbird
import Platform
import Testing
import Tracing

@Suite("W3C trace context")
struct TracingTests {
    @Test("parses valid traceparent headers and rejects malformed ones")
    func parsing() throws {
        let context = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID == "00f067aa0ba902b7")
        #expect(context.flags == 1)
        #expect(context.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        for bad in [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473\u{FF}-00f067aa0ba902b7-01",
        ] {
            #expect(TraceContext(traceparent: bad) == nil, "\(bad)")
        }
        // A future version may carry more fields; it is read as version 00.
        #expect(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what") != nil)
    }

    @Test("the tracer extracts the incoming trace, starts a child span and injects it")
    func propagation() {
        let tracer = TraceContextTracer()
        var context = ServiceContext.topLevel
        let incoming: HTTPFields = [.traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
        tracer.extract(incoming, into: &context, using: HTTPFieldsExtractor())
        #expect(context.traceContext?.spanID == "00f067aa0ba902b7")
        let span = tracer.startSpan("work", context: context, ofKind: .server)
        let child = span.context.traceContext
        #expect(child?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(child?.spanID != "00f067aa0ba902b7")
        var outgoing = HTTPFields()
        tracer.inject(span.context, into: &outgoing, using: HTTPFieldsInjector())
        #expect(outgoing[.traceparent] == child?.traceparent)
    }

    @Test("without an incoming trace, a span starts a new one")
    func rootSpan() {
        let span = TraceContextTracer().startSpan("work", context: .topLevel, ofKind: .internal)
        let context = span.context.traceContext
        #expect(context?.traceID.count == 32)
        #expect(context?.spanID.count == 16)
    }
}
