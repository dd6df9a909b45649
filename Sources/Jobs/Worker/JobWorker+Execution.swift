import CoreMetrics
import Foundation
import Logging
import Synchronization

extension JobWorker {
    /// How an execution ended, before it is written.
    enum Decision {
        case handler(Result<Data?, any Error>)
        case timedOut
        case cancelled
        case leaseLost
        case released
    }

    /// Runs one claimed job to the end of its claim.
    func execute(_ execution: Execution) async {
        let job = execution.claimed.job
        let lease = execution.claimed.lease
        let queueMetrics = metrics.queue(job.queue)
        let startedAt = now()
        queueMetrics.started.increment()
        queueMetrics.startLatency.recordNanoseconds(
            Int64(max(0, startedAt.timeIntervalSince(max(job.runAt, job.createdAt))) * 1e9)
        )
        eventBroadcast.send(.started(job.id, attempt: lease.attempt))
        var logger = self.logger
        logger[metadataKey: "jobs.id"] = "\(job.id)"
        logger[metadataKey: "jobs.kind"] = .string(job.kind)
        logger[metadataKey: "jobs.attempt"] = "\(lease.attempt)"

        let decision = await decide(execution, logger: logger)
        queueMetrics.runDuration.recordNanoseconds(Int64(max(0, now().timeIntervalSince(startedAt)) * 1e9))

        if case .leaseLost = decision {
            logger.warning("the job's lease was lost (it expired or another worker holds it); its result is discarded")
            eventBroadcast.send(.leaseLost(job.id))
            state.withLock { _ = $0.running.removeValue(forKey: job.id) }
            wake(job.queue)
            return
        }
        let outcome = finishOutcome(for: decision, job: job, lease: lease, logger: logger)
        let applied = await write(JobFinish(lease: lease, outcome: outcome), logger: logger)
        state.withLock { _ = $0.running.removeValue(forKey: job.id) }
        wake(job.queue)
        guard applied else {
            logger.warning("the job's lease was lost before its end was written; its result is discarded")
            eventBroadcast.send(.leaseLost(job.id))
            return
        }
        let attemptOutcome: JobAttempt.Outcome
        switch outcome {
        case .completed:
            queueMetrics.completed.increment()
            attemptOutcome = .succeeded
        case .retry(_, _, let result):
            queueMetrics.failed.increment()
            attemptOutcome = result
        case .dead(_, let result):
            queueMetrics.failed.increment()
            queueMetrics.dead.increment()
            attemptOutcome = result
        case .cancelled: attemptOutcome = .cancelled
        case .released: attemptOutcome = .released
        }
        eventBroadcast.send(.finished(job.id, outcome: attemptOutcome))
    }

    /// Starts the handler and waits for the first thing that decides the claim's end.
    func decide(_ execution: Execution, logger: Logger) async -> Decision {
        let job = execution.claimed.job
        guard let entry = registry.entry(job.kind), let handler = entry.handler else {
            return .handler(
                .failure(JobsError(.unknownJobType, "worker \(configuration.workerID) has no handler for \(job.kind)"))
            )
        }
        let context = JobContext(
            id: job.id,
            kind: job.kind,
            queue: job.queue,
            attempt: execution.claimed.lease.attempt,
            maxAttempts: job.maxAttempts,
            workerID: configuration.workerID,
            logger: logger
        )
        let continuation = execution.continuation
        let handlerTask = Task {
            let result: Result<Data?, any Error>
            do {
                result = .success(try await handler(job.payload, context))
            } catch {
                result = .failure(error)
            }
            continuation.yield(.finished(result))
        }
        let timeout = job.timeout
        var pending: Decision?
        var graceTimer: Task<Void, any Error>?
        defer { graceTimer?.cancel() }
        let grace = configuration.cancelGracePeriod
        func stop(_ decision: Decision) {
            guard pending == nil else { return }
            pending = decision
            handlerTask.cancel()
            graceTimer = Task {
                try await Task.sleep(for: grace)
                continuation.yield(.graceOver)
            }
        }
        for await event in execution.events {
            switch event {
            case .finished(let result):
                return pending ?? .handler(result)
            case .timedOut:
                logger.notice("the job ran past its timeout; cancelling it", metadata: ["jobs.timeout": "\(timeout)"])
                stop(.timedOut)
            case .cancelRequested:
                logger.notice("the job was cancelled; stopping it")
                stop(.cancelled)
            case .leaseLost:
                handlerTask.cancel()
                return .leaseLost
            case .release:
                handlerTask.cancel()
                return pending ?? .released
            case .graceOver:
                logger.warning("the handler did not stop within the grace period; abandoning it")
                return pending ?? .released
            }
        }
        // The worker's task was cancelled: give the job back.
        handlerTask.cancel()
        return pending ?? .released
    }

    /// The store write that ends the claim.
    func finishOutcome(for decision: Decision, job: JobRecord, lease: JobLease, logger: Logger) -> JobFinish.Outcome {
        func failed(_ message: String, outcome: JobAttempt.Outcome) -> JobFinish.Outcome {
            guard lease.attempt < job.maxAttempts else {
                logger.warning(
                    "the job failed its last attempt; it goes to the dead-letter queue",
                    metadata: ["error": .string(message)]
                )
                return .dead(error: message, outcome: outcome)
            }
            let retry = registry.entry(job.kind)?.retry ?? .exponential()
            var generator = SystemRandomNumberGenerator()
            let delay = retry.delay(afterAttempt: lease.attempt, using: &generator)
            logger.info(
                "the job failed; it will be retried",
                metadata: ["error": .string(message), "jobs.retry_in": "\(delay)"]
            )
            return .retry(at: now().addingTimeInterval(delay.seconds), error: message, outcome: outcome)
        }
        switch decision {
        case .handler(.success(let result)):
            if let result, result.count > JobLimits.maxResultBytes {
                logger.warning("the job's result is larger than \(JobLimits.maxResultBytes) bytes; it is not kept")
                return .completed(result: nil)
            }
            return .completed(result: result)
        case .handler(.failure(let error as JobPoison)):
            logger.warning(
                "the job is poison; it goes to the dead-letter queue",
                metadata: ["error": .string(error.reason)]
            )
            return .dead(error: "poison: \(error.reason)", outcome: .poisoned)
        case .handler(.failure(let error)):
            return failed(JobLimits.truncatedError(String(describing: error)), outcome: .failed)
        case .timedOut:
            return failed("timed out after \(job.timeout)", outcome: .timedOut)
        case .cancelled:
            return .cancelled(error: "cancelled while running")
        case .released, .leaseLost:
            return .released
        }
    }

    /// Writes the end of a claim, retrying store failures (its lease is still extended meanwhile, since the job
    /// stays in the running set) for up to two lease durations.
    func write(_ finish: JobFinish, logger: Logger) async -> Bool {
        let deadline = ContinuousClock.now + configuration.leaseDuration * 2
        var delay: Duration = .milliseconds(50)
        while true {
            do {
                return try await batcher.finish(finish)
            } catch {
                // At shutdown, do not hold the process for long: the lease expiring returns the job anyway.
                let limit = isShuttingDown ? min(deadline, ContinuousClock.now + .seconds(2)) : deadline
                guard ContinuousClock.now + delay < limit else {
                    logger.error(
                        "could not write the job's end; its lease will expire and it will run again",
                        metadata: ["error": "\(JobsError.describe(error))"]
                    )
                    return false
                }
                logger.warning(
                    "writing the job's end failed; retrying",
                    metadata: ["error": "\(JobsError.describe(error))"]
                )
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
