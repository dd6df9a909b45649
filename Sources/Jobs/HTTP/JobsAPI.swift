import Foundation
import Hummingbird
import Platform

/// The routes under `/v1/jobs`. Reads of jobs (their payloads, results and errors are private) need the admin
/// token like every write (``JobsSystem/protectedReadRoutes``); queue statistics, workers and activity are open.
struct JobsAPI: Sendable {
    let queue: JobQueue
    let worker: JobWorker?
    /// Wakes workers after a replay or a resume.
    let signal: any JobSignal
    let now: @Sendable () -> Date

    var store: any JobStore { queue.store }

    /// Routes (relative) that read private data.
    static let protectedReads: Set<String> = ["", "{id}", "dead"]

    func addRoutes(to group: RouterGroup<MasteryRequestContext>) {
        group.post { request, context in
            let body = try await request.decodeJSON(as: JobsBodies.Enqueue.self, context: context)
            let outcome = try await queue.enqueue([try body.request()])[0]
            return try Response.json(JobsViews.Enqueued(outcome), status: outcome.isNew ? .created : .ok)
        }
        group.post("bulk") { request, context in
            let body = try await request.decodeJSON(as: JobsBodies.Bulk.self, context: context)
            guard (1...1_000).contains(body.jobs.count) else {
                throw JobsError(.invalidRequest, "a bulk enqueue over HTTP holds 1 to 1,000 jobs")
            }
            let outcomes = try await queue.enqueue(
                try body.jobs.enumerated().map { index, job in
                    do { return try job.request() } catch let error as JobsError {
                        throw JobsError(error.code, "job \(index): \(error.message)")
                    }
                }
            )
            return try Response.json(["jobs": outcomes.map(JobsViews.Enqueued.init)], status: .created)
        }
        group.get { request, _ in
            let filter = try Self.filter(request, state: try Self.state(request))
            return try Response.json(try await list(filter))
        }
        group.get("{id}") { _, context in
            let id = try Self.id(context)
            guard let detail = try await store.job(id) else { throw JobsError(.unknownJob, "no job has the ID \(id)") }
            return try Response.json(
                JobsViews.Detail(job: JobsViews.Job(detail.job), attempts: detail.attempts.map(JobsViews.Attempt.init))
            )
        }
        group.post("{id}/cancel") { _, context in
            let id = try Self.id(context)
            let record = try await store.cancel(id, at: now())
            if record.cancelRequested { worker?.cancelIfRunning(id) }
            return try Response.json(JobsViews.Job(record))
        }
        group.get("dead") { request, _ in
            try Response.json(try await list(try Self.filter(request, state: .dead)))
        }
        group.post("dead/replay") { request, context in
            let selection = try await request.decodeJSON(as: JobsBodies.Selection.self, context: context).selection()
            let replayed = try await store.replay(selection, at: now())
            let queues = Set(try await replayedQueues(replayed))
            if !queues.isEmpty { await signal.signal(queues.sorted()) }
            return try Response.json(["replayed": replayed])
        }
        group.post("dead/purge") { request, context in
            let selection = try await request.decodeJSON(as: JobsBodies.Selection.self, context: context).selection()
            return try Response.json(["purged": try await store.purge(selection)])
        }
        group.get("queues") { _, _ in
            try Response.json(["queues": try await store.statistics(at: now()).map(JobsViews.Queue.init)])
        }
        group.put("queues/{queue}") { request, context in
            let name = try context.parameters.require("queue")
            let update = try await request.decodeJSON(as: JobsBodies.QueueUpdate.self, context: context)
            let settings = try await store.updateQueue(
                name,
                paused: update.paused,
                concurrencyLimit: update.concurrencyLimit
            )
            if !settings.paused { await signal.signal([name]) }
            return try Response.json(settings)
        }
        group.get("workers") { _, _ in
            let since = now().addingTimeInterval(-((worker?.configuration.leaseDuration ?? .seconds(30)).seconds * 2))
            return try Response.json(["workers": try await store.workers(seenSince: since).map(JobsViews.Worker.init)])
        }
        group.get("activity") { request, _ in
            let minutes = try Self.integer(request, "minutes", in: 1...1_440) ?? 15
            let since = now().addingTimeInterval(-Double(minutes) * 60)
            let buckets = try await store.activity(since: since).map {
                JobsViews.Activity(
                    queue: $0.queue,
                    minute: JobsViews.time($0.minute),
                    completed: $0.completed,
                    dead: $0.dead,
                    cancelled: $0.cancelled
                )
            }
            return try Response.json(["activity": buckets])
        }
        group.get("kinds") { _, _ in
            try Response.json([
                "kinds": queue.registry.all.map {
                    JobsViews.Kind(
                        name: $0.name,
                        queue: $0.queue,
                        maxAttempts: $0.maxAttempts,
                        timeoutSeconds: $0.timeout.seconds,
                        runsHere: $0.canRun
                    )
                }
            ])
        }
        group.post("demo") { request, context in
            let body = try await request.decodeJSON(as: JobsBodies.Demo.self, context: context)
            let count = body.count ?? 10
            guard (1...1_000).contains(count) else {
                throw JobsError(.invalidRequest, "count must be between 1 and 1,000")
            }
            let payload = DemoJob.Payload(
                durationMs: body.durationMs ?? 500,
                failureRate: body.failureRate ?? 0.3,
                poison: body.poison
            )
            guard (0...60_000).contains(payload.durationMs), payload.failureRate.isFinite,
                (0...1).contains(payload.failureRate)
            else {
                throw JobsError(.invalidRequest, "durationMs must be 0…60000 and failureRate 0…1")
            }
            let outcomes = try await queue.enqueue(DemoJob.type, Array(repeating: payload, count: count))
            return try Response.json(["jobs": outcomes.map(JobsViews.Enqueued.init)], status: .created)
        }
    }

    func list(_ filter: JobFilter) async throws -> JobsViews.JobList {
        let jobs = try await store.jobs(matching: filter)
        return JobsViews.JobList(
            jobs: jobs.map { JobsViews.Job($0) },
            next: jobs.count == filter.limit ? jobs.last?.id : nil
        )
    }

    func replayedQueues(_ ids: [JobID]) async throws -> [String] {
        var queues: Set<String> = []
        for id in ids.prefix(50) {
            if let queue = try await store.job(id)?.job.queue { queues.insert(queue) }
        }
        return queues.sorted()
    }

    static func id(_ context: MasteryRequestContext) throws -> JobID {
        let text = try context.parameters.require("id")
        guard let id = JobID(text) else {
            throw ProblemDetails.invalidParameter("A job ID is a positive integer.")
        }
        return id
    }

    static func state(_ request: Request) throws -> JobState? {
        guard let text = request.uri.queryParameters.get("state") else { return nil }
        guard let state = JobState(rawValue: text) else {
            throw ProblemDetails.invalidParameter(
                "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        return state
    }

    static func integer(_ request: Request, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard text.utf8.count <= 12, let value = Int(text), range.contains(value) else {
            throw ProblemDetails.invalidParameter(
                "\(name) must be an integer between \(range.lowerBound) and \(range.upperBound)."
            )
        }
        return value
    }

    static func filter(_ request: Request, state: JobState?) throws -> JobFilter {
        let parameters = request.uri.queryParameters
        var before: JobID?
        if let text = parameters.get("before") {
            guard let id = JobID(text) else { throw ProblemDetails.invalidParameter("before must be a job ID.") }
            before = id
        }
        let filter = JobFilter(
            state: state,
            queue: parameters.get("queue"),
            kind: parameters.get("kind"),
            before: before,
            limit: try integer(request, "limit", in: 1...JobLimits.maxPage) ?? 50
        )
        try filter.validate()
        return filter
    }
}

extension EnqueueOutcome {
    /// Whether a new job was stored.
    var isNew: Bool {
        if case .enqueued = self { return true }
        return false
    }
}
