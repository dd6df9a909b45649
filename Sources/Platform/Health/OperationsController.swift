import Foundation
public import Hummingbird

/// The operational endpoints every Mastery server has: `/health` (liveness), `/ready` (readiness, JSON),
/// `/metrics` (Prometheus text) and `/problems/{slug}` (what each problem `type` means).
public struct OperationsController: Sendable {
    let readiness: Readiness
    let metrics: MetricsRegistry
    let problemKinds: [ProblemDetails.Kind]

    /// Creates the controller.
    public init(
        readiness: Readiness,
        metrics: MetricsRegistry,
        problemKinds: [ProblemDetails.Kind] = ProblemDetails.platformKinds
    ) {
        self.readiness = readiness
        self.metrics = metrics
        self.problemKinds = problemKinds
    }

    /// Adds the routes.
    public func addRoutes(to router: Router<MasteryRequestContext>) {
        router.get("/health") { _, _ in
            Self.json(#"{"status":"ok"}"#)
        }
        router.get("/ready") { _, _ in
            let report = await readiness.report()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = (try? encoder.encode(report)) ?? Data()
            var response = Self.json(String(decoding: body, as: UTF8.self))
            response.status = report.isReady ? .ok : .serviceUnavailable
            return response
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
        router.get("/problems/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard let kind = problemKinds.first(where: { $0.slug == slug }) else {
                throw ProblemDetails.notFound("There is no problem type named \(ProblemMiddleware.printable(slug)).")
            }
            let object: [String: Any] = [
                "type": "/problems/\(kind.slug)", "title": kind.title, "status": Int(kind.status.code),
                "description": kind.summary,
            ]
            let body = try JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
            return Self.json(String(decoding: body, as: UTF8.self))
        }
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
