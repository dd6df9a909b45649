public import Dashboard
import Foundation
public import Hummingbird
import Logging
import NIOCore
import NIOPosix
public import Platform

/// The progress tracker's HTTP surface over one file.
///
/// - `GET /v1/progress`: a ``ProgressReport`` (snapshot and pace) as JSON.
/// - `POST /v1/progress/projects/{n}/start`, `…/complete`, `…/skip`: the library's verbs, through
///   ``ProgressFileStore/update(_:)`` (locked, re-read under the lock), answering the new report. `complete`
///   accepts an optional JSON body `{"story", "repository", "skills", "force"}`. Refusals are problems: 400 for a
///   malformed number or argument, 404 for an unknown project, 409 for a status that does not allow the verb; the
///   file is then unchanged. Like every write, they need the admin token or a dashboard session.
/// - `GET /v1/progress/openapi.json`: the OpenAPI 3.1 document of these routes (``ProgressOpenAPI``).
/// - `GET /systems/progress`: the dashboard page, with its stylesheet and script at `page.css` and `page.js`
///   beside it (no inline script or style); its old address `/progress` redirects there (308).
public struct ProgressController: Sendable {
    let store: ProgressFileStore
    let renderer: DashboardRenderer
    let mountedModules: Set<String>
    let today: @Sendable () -> CalendarDate

    /// The progress page's templates, to register in the `DashboardRenderer` given to
    /// ``init(store:renderer:mountedModules:today:)``.
    public static var templates: [String: String] { ProgressPageTemplates.all }

    /// Creates the controller.
    /// - Parameters:
    ///   - store: The progress file.
    ///   - renderer: Renders the page inside the dashboard frame; it must hold ``templates``.
    ///   - mountedModules: The modules the server mounts (cards link to those systems).
    ///   - today: The current day, from the caller's clock (verbs record it; the pace is measured at it).
    public init(
        store: ProgressFileStore,
        renderer: DashboardRenderer,
        mountedModules: Set<String>,
        today: @escaping @Sendable () -> CalendarDate
    ) {
        self.store = store
        self.renderer = renderer
        self.mountedModules = mountedModules
        self.today = today
    }

    /// The optional body of `POST /v1/progress/projects/{n}/complete`.
    public struct CompleteRequest: Codable, Sendable {
        /// A war story, added under "War Stories Collected".
        public var story: String?
        /// The project's repository URL, added under "GitHub Repositories".
        public var repository: String?
        /// Texts naming "Skills Acquired" items to tick.
        public var skills: [String]?
        /// Completes a project that was never started.
        public var force: Bool?
    }

    /// The verbs the page and the API offer.
    enum Verb: String, CaseIterable, Sendable {
        case start, complete, skip
    }

    /// Adds the API (`GET /v1/progress`, `POST /v1/progress/projects/{number}/<verb>`), the page
    /// (`/systems/progress` with its assets), and the page's old address `/progress`, which redirects.
    public func addRoutes(to routes: SystemRoutes) {
        routes.api.get { _, context in
            let document = try await blocking(context) { try store.read() }
            return try Response.json(try report(document, context: context))
        }
        for verb in Verb.allCases {
            routes.api.post("projects/{number}/\(verb.rawValue)") { request, context in
                try await apply(verb, request: request, context: context)
            }
        }
        routes.api.get("openapi.json") { _, _ in StaticAsset.json(ProgressOpenAPI.json).response }
        routes.page.get { request, context in
            let document = try await blocking(context) { try store.read() }
            let page = ProgressPage(
                report: try report(document, context: context),
                text: document.text,
                mountedModules: mountedModules,
                today: today(),
                basePath: routes.pagePath,
                apiPath: routes.apiPath
            )
            return renderer.page(
                title: "Progress",
                template: ProgressPageTemplates.page,
                context: page.context,
                assets: page.assets,
                request: request
            )
        }
        routes.page.get("page.css") { _, _ in
            StaticAsset.stylesheet(ProgressPageAssets.stylesheet).response
        }
        routes.page.get("page.js") { _, _ in
            StaticAsset.script(ProgressPageAssets.script).response
        }
        routes.redirect(from: "/progress")
    }

    func apply(_ verb: Verb, request: Request, context: MasteryRequestContext) async throws -> Response {
        let text = try context.parameters.require("number")
        let body = try await completeRequest(verb: verb, request: request, context: context)
        let date = today()
        let document = try await blocking(context) {
            let number = try ProjectNumber(parsing: text)
            return try store.update { document in
                switch verb {
                case .start:
                    try document.start(number, on: date)
                case .skip:
                    try document.skip(number, on: date)
                case .complete:
                    try document.complete(
                        number,
                        on: date,
                        story: body.story.flatMap { $0.isEmpty ? nil : $0 },
                        repository: body.repository.flatMap { $0.isEmpty ? nil : $0 },
                        skills: body.skills ?? [],
                        force: body.force ?? false
                    )
                }
            }
        }
        context.logger.info(
            "Progress updated",
            metadata: [
                "progress.verb": .string(verb.rawValue), "progress.project": .string(ProjectNumber.printable(text)),
            ]
        )
        return try Response.json(try report(document, context: context))
    }

    /// The body of `complete` (empty means no options); the other verbs take none.
    func completeRequest(verb: Verb, request: Request, context: MasteryRequestContext) async throws -> CompleteRequest {
        let buffer = try await request.body.collect(upTo: context.maxBodySize)
        guard buffer.readableBytes > 0 else { return CompleteRequest() }
        guard verb == .complete else {
            throw ProblemDetails.badRequest("\(verb.rawValue) takes no body.")
        }
        try request.requireJSONContentType()
        return try JSONDecoder().decode(CompleteRequest.self, from: Data(buffer.readableBytesView))
    }

    func report(_ document: ProgressDocument, context: MasteryRequestContext) throws -> ProgressReport {
        do {
            let snapshot = try document.snapshot()
            return ProgressReport(snapshot: snapshot, pace: try? snapshot.pace(on: today()))
        } catch let error as ProgressError {
            throw problem(error, context: context)
        }
    }

    /// Runs blocking file work on NIO's thread pool, mapping ``ProgressError`` to its problem.
    func blocking<T: Sendable>(
        _ context: MasteryRequestContext,
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(work)
        } catch let error as ProgressError {
            throw problem(error, context: context)
        }
    }

    /// The error's problem. When the file is at fault (it cannot be understood, read or written), the answer says
    /// what is wrong (the line and why) but never where the file is: the path goes to the log, under the request ID
    /// the answer names.
    func problem(_ error: ProgressError, context: MasteryRequestContext) -> ProblemDetails {
        var problem = error.problem
        guard error.code == .invalidDocument || error.code == .fileSystem else { return problem }
        context.logger.info(
            "Progress file failed",
            metadata: [
                "progress.file": .string(error.path ?? store.path),
                "progress.error.code": .stringConvertible(error.code),
                "progress.error.message": .string(error.message),
                "progress.error.line": .string(error.line.map(String.init) ?? "-"),
            ]
        )
        problem.detail += " The server log names the file under request ID \(context.requestID)."
        return problem
    }
}

extension ProjectNumber {
    /// A path parameter safe for a log: at most 8 characters, ASCII letters and digits only.
    static func printable(_ text: String) -> String {
        String(text.prefix(8).map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "?" })
    }
}
