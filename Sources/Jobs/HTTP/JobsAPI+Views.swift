import Foundation
import Platform

/// The API's JSON shapes: times as ISO 8601 UTC with milliseconds, durations in seconds, payloads and results
/// as the JSON they are.
enum JobsViews {
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func time(_ date: Date?) -> String? { date.map(time) }

    static func seconds(_ duration: Duration) -> Double { duration.seconds }

    struct Job: Encodable {
        var id: JobID
        var kind: String
        var queue: String
        var state: JobState
        var priority: Int
        var payload: JSONValue?
        var createdAt: String
        var runAt: String
        var attempt: Int
        var maxAttempts: Int
        var uniqueKey: String?
        var uniqueForSeconds: Double?
        var concurrencyKey: String?
        var timeoutSeconds: Double
        var workerID: String?
        var leaseExpiresAt: String?
        var cancelRequested: Bool
        var result: JSONValue?
        var lastError: String?
        var finishedAt: String?

        init(_ record: JobRecord, payload: Bool = true) {
            id = record.id
            kind = record.kind
            queue = record.queue
            state = record.state
            priority = record.priority
            self.payload = payload ? JSONValue(json: record.payload) : nil
            createdAt = time(record.createdAt)
            runAt = time(record.runAt)
            attempt = record.attempt
            maxAttempts = record.maxAttempts
            uniqueKey = record.uniqueKey
            uniqueForSeconds = record.uniqueFor.map(seconds)
            concurrencyKey = record.concurrencyKey
            timeoutSeconds = seconds(record.timeout)
            workerID = record.workerID
            leaseExpiresAt = time(record.leaseExpiresAt)
            cancelRequested = record.cancelRequested
            result = payload ? record.result.flatMap { JSONValue(json: $0) } : nil
            lastError = record.lastError
            finishedAt = time(record.finishedAt)
        }
    }

    struct Attempt: Encodable {
        var claim: Int
        var attempt: Int
        var workerID: String
        var startedAt: String
        var finishedAt: String?
        var durationSeconds: Double?
        var outcome: JobAttempt.Outcome
        var error: String?

        init(_ attempt: JobAttempt) {
            claim = attempt.claim
            self.attempt = attempt.attempt
            workerID = attempt.workerID
            startedAt = time(attempt.startedAt)
            finishedAt = time(attempt.finishedAt)
            durationSeconds = attempt.duration.map(seconds)
            outcome = attempt.outcome
            error = attempt.error
        }
    }

    struct Detail: Encodable {
        var job: Job
        var attempts: [Attempt]
    }

    struct JobList: Encodable {
        var jobs: [Job]
        /// The `before` of the next page (absent on the last).
        var next: JobID?
    }

    struct Enqueued: Encodable {
        var id: JobID
        var duplicate: Bool

        init(_ outcome: EnqueueOutcome) {
            id = outcome.id
            if case .duplicate = outcome { duplicate = true } else { duplicate = false }
        }
    }

    struct Queue: Encodable {
        var queue: String
        var ready: Int
        var scheduled: Int
        var running: Int
        var dead: Int
        var completed: Int
        var cancelled: Int
        var oldestReadyAgeSeconds: Double
        var paused: Bool
        var concurrencyLimit: Int?

        init(_ statistics: JobQueueStatistics) {
            queue = statistics.queue
            ready = statistics.ready
            scheduled = statistics.scheduled
            running = statistics.running
            dead = statistics.dead
            completed = statistics.completed
            cancelled = statistics.cancelled
            oldestReadyAgeSeconds = seconds(statistics.oldestReadyAge)
            paused = statistics.paused
            concurrencyLimit = statistics.concurrencyLimit
        }
    }

    struct Worker: Encodable {
        var id: String
        var host: String
        var pid: Int
        var queues: [String]
        var startedAt: String
        var lastSeenAt: String
        var running: [JobID]

        init(_ record: JobWorkerRecord) {
            id = record.id
            host = record.host
            pid = record.pid
            queues = record.queues
            startedAt = time(record.startedAt)
            lastSeenAt = time(record.lastSeenAt)
            running = record.running
        }
    }

    struct Activity: Encodable {
        var queue: String
        var minute: String
        var completed: Int
        var dead: Int
        var cancelled: Int
    }

    struct Kind: Encodable {
        var name: String
        var queue: String
        var maxAttempts: Int
        var timeoutSeconds: Double
        var runsHere: Bool
    }
}

/// The bodies the API accepts.
enum JobsBodies {
    struct Enqueue: Decodable {
        var kind: String
        var payload: JSONValue
        var queue: String?
        var priority: Int?
        var runAt: String?
        var delaySeconds: Double?
        var uniqueKey: String?
        var uniqueForSeconds: Double?
        var concurrencyKey: String?
        var maxAttempts: Int?
        var timeoutSeconds: Double?

        /// The request, its times and durations checked.
        func request() throws -> JobRequest {
            func duration(_ seconds: Double?, _ name: String, max: Double) throws -> Duration? {
                guard let seconds else { return nil }
                guard seconds.isFinite, seconds >= 0, seconds <= max else {
                    throw JobsError(.invalidRequest, "\(name) must be between 0 and \(Int(max))")
                }
                return .milliseconds(Int64((seconds * 1000).rounded()))
            }
            var runAtDate: Date?
            if let runAt {
                guard runAt.utf8.count <= 40,
                    let date = try? Date(runAt, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                        ?? (try? Date(runAt, strategy: Date.ISO8601FormatStyle()))
                else {
                    throw JobsError(.invalidRequest, "runAt must be an ISO 8601 time such as 2026-12-07T10:00:00Z")
                }
                runAtDate = date
            }
            let options = JobOptions(
                queue: queue,
                priority: priority,
                runAt: runAtDate,
                delay: try duration(delaySeconds, "delaySeconds", max: JobLimits.maxDelay.seconds),
                uniqueKey: uniqueKey,
                uniqueFor: try duration(uniqueForSeconds, "uniqueForSeconds", max: JobLimits.maxUniqueFor.seconds),
                concurrencyKey: concurrencyKey,
                maxAttempts: maxAttempts,
                timeout: try duration(timeoutSeconds, "timeoutSeconds", max: JobLimits.maxTimeout.seconds)
            )
            if let timeout = options.timeout, timeout == .zero {
                throw JobsError(.invalidRequest, "timeoutSeconds must be positive")
            }
            return JobRequest(kind: kind, payload: try payload.data, options: options)
        }
    }

    struct Bulk: Decodable {
        var jobs: [Enqueue]
    }

    /// Which dead jobs a replay or purge touches: `ids`, or a filter (`queue`, `kind`, `limit`).
    struct Selection: Decodable {
        var ids: [JobID]?
        var queue: String?
        var kind: String?
        var limit: Int?

        func selection() throws -> JobSelection {
            if let ids {
                guard queue == nil, kind == nil else {
                    throw JobsError(.invalidRequest, "give ids, or a filter (queue, kind, limit), not both")
                }
                return .ids(ids)
            }
            return .matching(JobFilter(state: .dead, queue: queue, kind: kind, limit: limit ?? 100))
        }
    }

    struct QueueUpdate: Decodable {
        var paused: Bool?
        /// A number, or null to remove the limit (absent: unchanged).
        var concurrencyLimit: Int??

        enum CodingKeys: String, CodingKey { case paused, concurrencyLimit }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            paused = try container.decodeIfPresent(Bool.self, forKey: .paused)
            if container.contains(.concurrencyLimit) {
                concurrencyLimit = .some(
                    try container.decodeNil(forKey: .concurrencyLimit)
                        ? nil : try container.decode(Int.self, forKey: .concurrencyLimit)
                )
            } else {
                concurrencyLimit = nil
            }
        }
    }

    struct Demo: Decodable {
        var count: Int?
        var durationMs: Int?
        var failureRate: Double?
        var poison: Bool?
    }
}
