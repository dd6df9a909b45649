import CoreMetrics
import Foundation
import Logging
import Synchronization

extension JobWorker {
    /// How an execution ended, before it is written.
    enum Decision: Sendable {
        case handler(Result<Data?, any Error>)
        case timedOut
        case cancelled
        case leaseLost
        case released
    }

    /// Starts a claimed job's handler in a task of its own (the job's only task).
    func start(_ execution: Execution) {
        let task = Task { await self.run(execution) }
        let stop = execution.control.withLock { control in
            control.handler = task
            return control.stopping != nil || control.concluded
        }
        if stop { task.cancel() }
    }

    /// Runs the handler, then ends the claim unless an event ended it first.
    func run(_ execution: Execution) async {
        let job = execution.claimed.job
        let lease = execution.claimed.lease
        let queueMetrics = metrics.queue(job.queue)
        let startedAt = now()
        queueMetrics.started.increment()
        queueMetrics.startLatency.recordNanoseconds(
            Int64(max(0, startedAt.timeIntervalSince(max(job.runAt, job.createdAt))) * 1e9)
        )
        eventBroadcast.send(.started(job.id, attempt: lease.attempt))
        let result: Result<Data?, any Error>
        if let entry = registry.entry(job.kind), let handler = entry.handler {
            let context = JobContext(
                id: job.id,
                kind: job.kind,
                queue: job.queue,
                attempt: lease.attempt,
                maxAttempts: job.maxAttempts,
                workerID: configuration.workerID,
                logger: self.logger
            )
            do {
                result = .success(try await handler(job.payload, context))
            } catch {
                result = .failure(error)
            }
        } else {
            result = .failure(
                JobsError(.unknownJobType, "worker \(configuration.workerID) has no handler for \(job.kind)")
            )
        }
        queueMetrics.runDuration.recordNanoseconds(Int64(max(0, now().timeIntervalSince(startedAt)) * 1e9))
        // An event that ended the claim first (a lost lease, a release, a grace period run out) wrote it.
        guard let decision = execution.conclude({ $0 ?? .handler(result) }) else { return }
        await end(execution, decision)
    }

    /// The logger of one attempt: `jobs.id`, `jobs.kind` and `jobs.attempt` set (made only to log something:
    /// setting metadata costs more than a no-op job).
    func jobLogger(_ job: JobRecord, attempt: Int) -> Logger {
        var logger = self.logger
        logger[metadataKey: "jobs.id"] = "\(job.id)"
        logger[metadataKey: "jobs.kind"] = .string(job.kind)
        logger[metadataKey: "jobs.attempt"] = "\(attempt)"
        return logger
    }

    /// Delivers an event that may end a claim before its handler returns. Safe from any task, any number of
    /// times: only the first thing that decides the claim's end counts.
    func deliver(_ event: ExecutionEvent, to execution: Execution) {
        let job = execution.claimed.job
        switch event {
        case .timedOut, .cancelRequested:
            // Ask the handler to stop; it has the cancel grace period to return before it is abandoned.
            let handler = execution.control.withLock { control -> Task<Void, Never>?? in
                guard !control.concluded, control.stopping == nil else { return nil }
                control.stopping = event == .timedOut ? .timedOut : .cancelled
                return .some(control.handler)
            }
            guard let handler else { return }
            let logger = jobLogger(job, attempt: execution.claimed.lease.attempt)
            if event == .timedOut {
                logger.notice(
                    "the job ran past its timeout; cancelling it",
                    metadata: ["jobs.timeout": "\(job.timeout)"]
                )
            } else {
                logger.notice("the job was cancelled; stopping it")
            }
            handler?.cancel()
            let grace = configuration.cancelGracePeriod
            Task {
                try? await Task.sleep(for: grace)
                self.deliver(.graceOver, to: execution)
            }
        case .leaseLost, .release, .graceOver:
            guard
                let decision = execution.conclude({ stopping in
                    switch event {
                    case .leaseLost: .leaseLost
                    default: stopping ?? .released
                    }
                })
            else { return }
            execution.control.withLock { $0.handler }?.cancel()
            if event == .graceOver {
                jobLogger(job, attempt: execution.claimed.lease.attempt).warning(
                    "the handler did not stop within the grace period; abandoning it"
                )
            }
            Task { await self.end(execution, decision) }
        }
    }

    /// Ends the claim as decided: writes it (unless the lease was lost), frees the slot and reports it.
    func end(_ execution: Execution, _ decision: Decision) async {
        let job = execution.claimed.job
        let lease = execution.claimed.lease
        let queueMetrics = metrics.queue(job.queue)
        var logger: Logger { jobLogger(job, attempt: lease.attempt) }
        freeSlot(execution)
        if case .leaseLost = decision {
            logger.warning("the job's lease was lost (it expired or another worker holds it); its result is discarded")
            eventBroadcast.send(.leaseLost(job.id))
            remove(execution)
            return
        }
        let outcome = finishOutcome(for: decision, job: job, lease: lease, logger: logger)
        let applied = await write(JobFinish(lease: lease, outcome: outcome)) { logger }
        remove(execution)
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

    /// Frees the job's slot once its end is decided (its handler returned, or was given up on): the queue may
    /// claim another while this one's end is written.
    func freeSlot(_ execution: Execution) {
        let queue = execution.queue
        let concurrency = configuration.queues[queue] ?? 1
        let wake = state.withLock { state in
            state.slots[queue, default: Slots()].busy -= 1
            return shouldWake(state.slots[queue, default: Slots()], concurrency: concurrency)
        }
        if wake { self.wake(queue) }
    }

    /// Lets the job go once its end is written (or given up): wakes its queue's loop, and the shutdown once
    /// nothing is held.
    func remove(_ execution: Execution) {
        let queue = execution.queue
        let concurrency = configuration.queues[queue] ?? 1
        let (waiters, wake) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool) in
            guard state.running.removeValue(forKey: ObjectIdentifier(execution)) != nil else { return ([], false) }
            state.slots[queue, default: Slots()].held -= 1
            let wake = shouldWake(state.slots[queue, default: Slots()], concurrency: concurrency)
            guard state.running.isEmpty else { return ([], wake) }
            defer { state.drainWaiters.removeAll() }
            return (state.drainWaiters, wake)
        }
        for waiter in waiters { waiter.resume() }
        if wake { self.wake(queue) }
    }

    /// Whether a freed slot should wake the queue's loop: only when it would claim (see ``queueLoop``); a wake
    /// per job would cost more than a no-op job.
    func shouldWake(_ slots: Slots, concurrency: Int) -> Bool {
        slots.busy == 0 || slots.free(concurrency: concurrency) >= Self.claimBatch(concurrency: concurrency)
    }

    /// The store write that ends the claim.
    func finishOutcome(
        for decision: Decision,
        job: JobRecord,
        lease: JobLease,
        logger: @autoclosure () -> Logger
    ) -> JobFinish.Outcome {
        func failed(_ message: String, outcome: JobAttempt.Outcome) -> JobFinish.Outcome {
            guard lease.attempt < job.maxAttempts else {
                logger().warning(
                    "the job failed its last attempt; it goes to the dead-letter queue",
                    metadata: ["error": .string(message)]
                )
                return .dead(error: message, outcome: outcome)
            }
            let retry = registry.entry(job.kind)?.retry ?? .exponential()
            var generator = SystemRandomNumberGenerator()
            let delay = retry.delay(afterAttempt: lease.attempt, using: &generator)
            logger().info(
                "the job failed; it will be retried",
                metadata: ["error": .string(message), "jobs.retry_in": "\(delay)"]
            )
            return .retry(at: now().addingTimeInterval(delay.seconds), error: message, outcome: outcome)
        }
        switch decision {
        case .handler(.success(let result)):
            if let result, result.count > JobLimits.maxResultBytes {
                logger().warning("the job's result is larger than \(JobLimits.maxResultBytes) bytes; it is not kept")
                return .completed(result: nil)
            }
            return .completed(result: result)
        case .handler(.failure(let error as JobPoison)):
            logger().warning(
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
    func write(_ finish: JobFinish, logger: () -> Logger) async -> Bool {
        let deadline = ContinuousClock.now + configuration.leaseDuration * 2
        var delay: Duration = .milliseconds(50)
        while true {
            do {
                return try await batcher.finish(finish)
            } catch {
                // At shutdown, do not hold the process for long: the lease expiring returns the job anyway.
                let limit = isShuttingDown ? min(deadline, ContinuousClock.now + .seconds(2)) : deadline
                guard ContinuousClock.now + delay < limit else {
                    logger().error(
                        "could not write the job's end; its lease will expire and it will run again",
                        metadata: ["error": "\(JobsError.describe(error))"]
                    )
                    return false
                }
                logger().warning(
                    "writing the job's end failed; retrying",
                    metadata: ["error": "\(JobsError.describe(error))"]
                )
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
