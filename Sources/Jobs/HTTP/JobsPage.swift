import Dashboard
import Foundation
import Hummingbird
import Logging
import Platform

/// The job system's dashboard page, `GET /systems/jobs` (the group it is given), inside the dashboard frame.
///
/// The server renders the first paint from a Mustache template (``JobsPageTemplates``): the queues table from the
/// store's statistics, every name escaped by the kit. A script served beside the page (``JobsPageScript``, with
/// ``JobsPageTemplates/style``; no inline script or style, for the server's CSP) keeps it live through the kit's
/// `Mastery.poll`, reading the API's path from `data-api`: the queues with pause and resume, throughput per minute
/// and depth as SVG charts, running jobs with their workers, failing jobs waiting for their retry, and the
/// dead-letter queue with inspect, replay and purge; and a form that enqueues demo jobs. Writes go through
/// `Mastery.send` (the session's CSRF token); everything from the API is written as text.
struct JobsPage: Sendable {
    /// The page's templates, to register in the `DashboardRenderer` given to the page.
    static var templates: [String: String] { JobsPageTemplates.all }

    let renderer: DashboardRenderer
    let store: any JobStore
    let now: @Sendable () -> Date

    /// Creates the page.
    /// - Parameters:
    ///   - renderer: Renders the page inside the dashboard frame; it must hold ``templates``.
    ///   - store: The store whose statistics the first paint shows.
    ///   - now: The clock.
    init(renderer: DashboardRenderer, store: any JobStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.renderer = renderer
        self.store = store
        self.now = now
    }

    /// Adds the page and its assets beside it (`page.css`, `page.js`).
    func addRoutes(to routes: SystemRoutes) {
        let apiPath = routes.apiPath
        let assets = PageAssets.beside(routes.pagePath)
        routes.page.get { request, context in
            let statistics: Result<[JobQueueStatistics], any Error>
            do {
                statistics = .success(try await store.statistics(at: now()))
            } catch {
                context.logger.warning(
                    "Jobs page: the queue statistics could not be read",
                    metadata: ["jobs.error": "\(error)"]
                )
                statistics = .failure(error)
            }
            return renderer.page(
                title: "Job queue",
                template: JobsPageTemplates.page,
                context: JobsPageContent(apiPath: apiPath, statistics: statistics).context,
                assets: assets,
                request: request
            )
        }
        routes.page.get("page.css") { _, _ in StaticAsset.stylesheet(JobsPageTemplates.style).response }
        routes.page.get("page.js") { _, _ in StaticAsset.script(JobsPageScript.script).response }
    }
}

/// The page's content without the frame: a pure function of the statistics, so it is tested without a server.
struct JobsPageContent: Sendable {
    /// The API's path (`/v1/jobs`), put in `data-api` for the script.
    var apiPath: String
    var statistics: Result<[JobQueueStatistics], any Error>

    /// What the template reads. Row names differ from the page's so a missing one never picks up an outer value.
    struct Context {
        struct Queue {
            var queue: String
            var ready: Int
            var scheduled: Int
            var running: Int
            var dead: Int
            var completed: Int
            var oldestReady: String
            var limit: String
            var paused: Bool
            var action: String
            var actionLabel: String
        }
        var apiPath: String
        var statisticsError: String?
        var queues: [Queue]
        var depth: Int
    }

    var context: Context {
        switch statistics {
        case .failure(let error):
            return Context(apiPath: apiPath, statisticsError: "\(error)", queues: [], depth: 0)
        case .success(let queues):
            return Context(
                apiPath: apiPath,
                statisticsError: nil,
                queues: queues.map(Self.row),
                depth: queues.reduce(0) { $0 + $1.ready + $1.scheduled + $1.running }
            )
        }
    }

    static func row(_ statistics: JobQueueStatistics) -> Context.Queue {
        Context.Queue(
            queue: statistics.queue,
            ready: statistics.ready,
            scheduled: statistics.scheduled,
            running: statistics.running,
            dead: statistics.dead,
            completed: statistics.completed,
            oldestReady: statistics.ready == 0 ? "—" : age(statistics.oldestReadyAge.seconds),
            limit: statistics.concurrencyLimit.map(String.init) ?? "—",
            paused: statistics.paused,
            action: statistics.paused ? "resume" : "pause",
            actionLabel: statistics.paused ? "Resume" : "Pause"
        )
    }

    /// An age as the script writes it: `<1 s`, `12 s`, `3 min`, `2 h`.
    static func age(_ seconds: Double) -> String {
        switch seconds {
        case ..<1: "<1 s"
        case ..<120: "\(Int(seconds)) s"
        case ..<7_200: "\(Int(seconds / 60)) min"
        default: "\(Int(seconds / 3_600)) h"
        }
    }
}
