import Logging

/// The state of one iteration of ``RedisSentinel/primaryChanges(backoff:)``: the subscription to the sentinel being
/// watched, the address reported last, and the failures that set the pause before the next attempt.
///
/// It runs entirely in the iterating task: no background task, so cancelling that task ends the watch.
final class PrimaryWatch<C: Clock> where C.Duration == Duration {
    private let sentinel: RedisSentinel
    private let backoff: RedisBackoff
    private let clock: C
    private var generator = SystemRandomNumberGenerator()
    private var subscription: SentinelSubscription?
    private var subscribedAt: C.Instant?
    /// The address reported last: never reported twice in a row.
    private var reported: RedisSentinel.Address?
    /// Rounds without a subscription, or subscriptions lost young, in a row.
    private var failures = 0
    /// The sentinel lost last, tried last in the next round.
    private var lost: RedisSentinel.Address?

    init(sentinel: RedisSentinel, backoff: RedisBackoff, clock: C) {
        self.sentinel = sentinel
        self.backoff = backoff
        self.clock = clock
    }

    deinit {
        subscription?.close()
    }

    private var logger: Logger { sentinel.logger }
    private var primaryName: String { sentinel.configuration.primaryName }

    /// The next change of the primary's address, or `nil` once the task is cancelled.
    func next() async -> RedisSentinel.PrimaryChange? {
        while !Task.isCancelled {
            guard let subscription else {
                guard await subscribe() else { break }
                if let change = discovered() { return change }
                continue
            }
            do {
                guard let payload = try await subscription.nextSwitch() else { break }
                guard let change = RedisSentinel.PrimaryChange.switchMaster(payload: payload) else {
                    logger.debug("Redis sentinel sent an unreadable +switch-master", metadata: sentinelMetadata)
                    continue
                }
                guard change.primaryName == primaryName, change.current != reported else { continue }
                reported = change.current
                logger.debug(
                    "Redis primary switched",
                    metadata: sentinelMetadata.merging(["redis.primary": "\(change.current)"]) { $1 }
                )
                return change
            } catch {
                guard await drop(subscription, after: error) else { break }
            }
        }
        close()
        return nil
    }

    /// A change to report after (re)subscribing, when the sentinel names another address than the one reported last.
    private func discovered() -> RedisSentinel.PrimaryChange? {
        guard let primary = subscription?.primaryAtStart, primary != reported else { return nil }
        defer { reported = primary }
        return RedisSentinel.PrimaryChange(
            primaryName: primaryName,
            previous: reported,
            current: primary,
            cause: .discovered
        )
    }

    /// Subscribes to the first sentinel that accepts, trying each once per round (the one lost last, last) and
    /// pausing between rounds.
    /// - Returns: false when the task was cancelled.
    private func subscribe() async -> Bool {
        while !Task.isCancelled {
            var sentinels = sentinel.sentinels
            if let lost, let index = sentinels.firstIndex(of: lost) { sentinels.append(sentinels.remove(at: index)) }
            for address in sentinels {
                guard !Task.isCancelled else { return false }
                do {
                    subscription = try await SentinelSubscription.open(
                        to: address,
                        configuration: sentinel.configuration,
                        eventLoopGroup: sentinel.eventLoopGroup,
                        logger: logger
                    )
                    subscribedAt = clock.now
                    logger.debug("Redis sentinel watched", metadata: sentinelMetadata)
                    return true
                } catch {
                    logger.debug(
                        "Redis sentinel cannot be watched",
                        metadata: ["redis.sentinel": "\(address)", "redis.error": "\(error)"]
                    )
                }
            }
            failures += 1
            let delay = backoff.delay(afterFailures: failures, using: &generator)
            logger.info(
                "No Redis sentinel can be watched",
                metadata: [
                    "redis.sentinels": "\(sentinels.count)", "redis.primary_name": "\(primaryName)",
                    "redis.retry_in": "\(delay)",
                ]
            )
            guard (try? await clock.sleep(for: delay)) != nil else { return false }
        }
        return false
    }

    /// Closes a subscription that failed; pauses first when it did not last a health check interval.
    /// - Returns: false when the task was cancelled.
    private func drop(_ subscription: SentinelSubscription, after error: any Error) async -> Bool {
        logger.debug(
            "Redis sentinel watch lost",
            metadata: sentinelMetadata.merging(["redis.error": "\(error)"]) { $1 }
        )
        subscription.close()
        self.subscription = nil
        lost = subscription.sentinel
        let lived = subscribedAt.map { $0.duration(to: clock.now) } ?? .zero
        if lived >= sentinel.configuration.healthCheckInterval {
            failures = 0
            return !Task.isCancelled
        }
        failures += 1
        return (try? await clock.sleep(for: backoff.delay(afterFailures: failures, using: &generator))) != nil
    }

    private func close() {
        subscription?.close()
        subscription = nil
    }

    private var sentinelMetadata: Logger.Metadata {
        [
            "redis.sentinel": "\(subscription?.sentinel.description ?? "-")",
            "redis.primary_name": "\(primaryName)",
        ]
    }
}
