/// One key's state under one policy, and the five algorithms as pure functions of (state, policy, cost, now).
///
/// Every time is in microseconds. The Redis script (`RedisRateLimitScript`) computes the same formulas with the
/// same rounding, so the two stores give the same answers for the same sequence of requests and times:
///
/// - GCRA (redis-cell): `T = window / limit` (truncated), `τ = T × burst`. `tat = max(stored, now)`,
///   `new = tat + T × cost`, `diff = now − (new − τ)`. Admitted when `diff ≥ 0` (store `new`, `ttl = new − now`);
///   else rejected with `retry = −diff` and `ttl = tat − now`. `remaining = max(0, τ − ttl) / T`, `reset = ttl`.
///   A cost above the burst is rejected with no retry.
/// - Token bucket: tokens (a double) refill by `elapsed × limit / window` up to `burst`; admitted when
///   `tokens ≥ cost`; `retry = ⌈(cost − tokens) × window / limit⌉`, `reset = ⌈(burst − tokens) × window / limit⌉`.
/// - Fixed window: windows `[k·W, (k+1)·W)`; admitted when `count + cost ≤ limit`; `retry = reset =` end of window.
/// - Sliding-window counter: `estimate = previous × (W − elapsed) / W + current`; admitted when
///   `estimate + cost ≤ limit`; retry is the first time the estimate makes room.
/// - Sliding-window log: one entry per admitted request (its time and cost), kept for `W`; admitted when the costs
///   in the window plus `cost` are at most `limit` (exact); `retry` is when enough of the oldest units leave the
///   window. The state follows the requests, not their costs: at most `limit` live entries, each query O(log n).
enum RateLimitState: Sendable {
    case gcra(theoreticalArrival: Int64)
    case tokenBucket(tokens: Double, updated: Int64)
    case fixedWindow(window: Int64, count: Int64)
    case slidingWindowCounter(window: Int64, current: Int64, previous: Int64)
    case slidingWindowLog(TimestampLog)

    /// How to change the state when the request is admitted.
    enum Update: Sendable {
        case none
        case replace(RateLimitState)
        case appendLog(count: Int, at: Int64, droppingThrough: Int64)
    }

    /// The result of deciding one check.
    struct Evaluation: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        var resetAfter: Int64
        /// `nil` when admitted, or when the cost can never be admitted.
        var retryAfter: Int64?
        var update: Update
        /// When the state, once updated, is indistinguishable from no state.
        var expiresAt: Int64
    }

    static let tokenEpsilon = 1e-6

    /// Decides `cost` units against `state` (nil: a key never seen, or expired) at `now`. Pure.
    static func evaluate(_ state: RateLimitState?, policy: RateLimitPolicy, cost: Int, now: Int64) -> Evaluation {
        switch policy.algorithm {
        case .gcra:
            var stored: Int64? = nil
            if case .gcra(let tat) = state { stored = tat }
            return gcra(stored: stored, policy: policy, cost: cost, now: now)
        case .tokenBucket:
            var stored: (Double, Int64)? = nil
            if case .tokenBucket(let tokens, let updated) = state { stored = (tokens, updated) }
            return tokenBucket(stored: stored, policy: policy, cost: cost, now: now)
        case .fixedWindow:
            var stored: (Int64, Int64)? = nil
            if case .fixedWindow(let window, let count) = state { stored = (window, count) }
            return fixedWindow(stored: stored, policy: policy, cost: cost, now: now)
        case .slidingWindowCounter:
            var stored: (Int64, Int64, Int64)? = nil
            if case .slidingWindowCounter(let window, let current, let previous) = state {
                stored = (window, current, previous)
            }
            return slidingWindowCounter(stored: stored, policy: policy, cost: cost, now: now)
        case .slidingWindowLog:
            var log: TimestampLog? = nil
            if case .slidingWindowLog(let stored) = state { log = stored }
            return slidingWindowLog(log: log, policy: policy, cost: cost, now: now)
        }
    }

    /// Applies an admitted evaluation's update.
    mutating func apply(_ update: Update) {
        switch update {
        case .none:
            break
        case .replace(let state):
            self = state
        case .appendLog(let count, let at, let droppingThrough):
            if case .slidingWindowLog(var log) = self {
                self = .gcra(theoreticalArrival: 0)  // releases the log's buffer so the append below does not copy it
                log.drop(through: droppingThrough)
                log.append(at, count: count)
                self = .slidingWindowLog(log)
            } else {
                var log = TimestampLog()
                log.append(at, count: count)
                self = .slidingWindowLog(log)
            }
        }
    }

    /// The state a fresh key gets when an admitted evaluation is applied to it.
    static func initial(for update: Update) -> RateLimitState? {
        switch update {
        case .none: return nil
        case .replace(let state): return state
        case .appendLog(let count, let at, _):
            var log = TimestampLog()
            log.append(at, count: count)
            return .slidingWindowLog(log)
        }
    }

    // MARK: - The algorithms

    static func gcra(stored: Int64?, policy: RateLimitPolicy, cost: Int, now: Int64) -> Evaluation {
        let interval = policy.intervalMicroseconds
        let capacity = policy.capacity
        let tolerance = interval * Int64(capacity)
        let tat = max(stored ?? now, now)
        func remaining(ttl: Int64) -> Int {
            let next = tolerance - ttl
            return next > 0 ? Int(next / interval) : 0
        }
        guard cost <= capacity else {
            let ttl = tat - now
            return Evaluation(
                allowed: false,
                limit: capacity,
                remaining: remaining(ttl: ttl),
                resetAfter: ttl,
                retryAfter: nil,
                update: .none,
                expiresAt: tat
            )
        }
        let newTat = tat + interval * Int64(cost)
        let difference = now - (newTat - tolerance)
        if difference < 0 {
            let ttl = tat - now
            return Evaluation(
                allowed: false,
                limit: capacity,
                remaining: remaining(ttl: ttl),
                resetAfter: ttl,
                retryAfter: -difference,
                update: .none,
                expiresAt: tat
            )
        }
        let ttl = newTat - now
        return Evaluation(
            allowed: true,
            limit: capacity,
            remaining: remaining(ttl: ttl),
            resetAfter: ttl,
            retryAfter: nil,
            update: .replace(.gcra(theoreticalArrival: newTat)),
            expiresAt: newTat
        )
    }

    static func tokenBucket(stored: (Double, Int64)?, policy: RateLimitPolicy, cost: Int, now: Int64) -> Evaluation {
        let capacity = Double(policy.capacity)
        let limit = Double(policy.limit)
        let window = Double(policy.windowMicroseconds)
        var tokens = capacity
        if let (storedTokens, updated) = stored {
            tokens = min(capacity, storedTokens + Double(max(0, now - updated)) * limit / window)
        }
        func timeToRefill(_ missing: Double) -> Int64 {
            missing <= tokenEpsilon ? 0 : Int64((missing * window / limit).rounded(.up))
        }
        let allowed = cost <= policy.capacity && tokens + tokenEpsilon >= Double(cost)
        var retry: Int64? = nil
        if allowed {
            tokens = max(0, tokens - Double(cost))
        } else if cost <= policy.capacity {
            retry = max(1, timeToRefill(Double(cost) - tokens))
        }
        let reset = timeToRefill(capacity - tokens)
        return Evaluation(
            allowed: allowed,
            limit: policy.capacity,
            remaining: Int((tokens + tokenEpsilon).rounded(.down)),
            resetAfter: reset,
            retryAfter: retry,
            update: allowed ? .replace(.tokenBucket(tokens: tokens, updated: now)) : .none,
            expiresAt: now + reset
        )
    }

    static func fixedWindow(stored: (Int64, Int64)?, policy: RateLimitPolicy, cost: Int, now: Int64) -> Evaluation {
        let width = policy.windowMicroseconds
        let index = now / width
        var count: Int64 = 0
        if let (window, storedCount) = stored, window == index { count = storedCount }
        let end = (index + 1) * width
        let limit = Int64(policy.limit)
        let allowed = count + Int64(cost) <= limit
        if allowed { count += Int64(cost) }
        return Evaluation(
            allowed: allowed,
            limit: policy.limit,
            remaining: Int(max(0, limit - count)),
            resetAfter: end - now,
            retryAfter: allowed || cost > policy.limit ? nil : end - now,
            update: allowed ? .replace(.fixedWindow(window: index, count: count)) : .none,
            expiresAt: end
        )
    }

    static func slidingWindowCounter(
        stored: (Int64, Int64, Int64)?,
        policy: RateLimitPolicy,
        cost: Int,
        now: Int64
    ) -> Evaluation {
        let width = policy.windowMicroseconds
        let index = now / width
        let start = index * width
        let elapsed = now - start
        var current: Int64 = 0
        var previous: Int64 = 0
        if let (window, storedCurrent, storedPrevious) = stored {
            if window == index {
                current = storedCurrent
                previous = storedPrevious
            } else if window == index - 1 {
                previous = storedCurrent
            }
        }
        let limit = Double(policy.limit)
        let weight = Double(width - elapsed) / Double(width)
        let estimate = Double(previous) * weight + Double(current)
        let allowed = cost <= policy.limit && estimate + Double(cost) <= limit + tokenEpsilon
        var retry: Int64? = nil
        if allowed {
            current += Int64(cost)
        } else if cost <= policy.limit {
            let room = Double(policy.limit - cost)
            if Double(current) <= room, previous > 0 {
                // The previous window's share decays enough within this window.
                let neededWeight = (room - Double(current)) / Double(previous)
                let at = Int64((Double(width) * (1 - neededWeight)).rounded(.up))
                retry = max(1, at - elapsed)
            } else {
                // Next window: this window's count becomes the previous one and decays from there.
                let at = current > 0 ? Int64((Double(width) * (1 - room / Double(current))).rounded(.up)) : 0
                retry = max(1, width - elapsed + max(0, at))
            }
        }
        let after = Double(previous) * weight + Double(current)
        let remaining = max(0, Int((limit - after + tokenEpsilon).rounded(.down)))
        let reset: Int64 = current > 0 ? start + 2 * width - now : (previous > 0 ? start + width - now : 0)
        return Evaluation(
            allowed: allowed,
            limit: policy.limit,
            remaining: remaining,
            resetAfter: reset,
            retryAfter: retry,
            update: allowed
                ? .replace(.slidingWindowCounter(window: index, current: current, previous: previous)) : .none,
            expiresAt: start + 2 * width
        )
    }

    static func slidingWindowLog(log: TimestampLog?, policy: RateLimitPolicy, cost: Int, now: Int64) -> Evaluation {
        let width = policy.windowMicroseconds
        let cutoff = now - width
        let live = log?.count(after: cutoff) ?? 0
        let allowed = cost <= policy.limit && live + cost <= policy.limit
        var retry: Int64? = nil
        if !allowed, cost <= policy.limit, let log {
            // The (live + cost − limit)-th oldest live entry must leave the window.
            let entry = log.live(after: cutoff, at: live + cost - policy.limit - 1)
            retry = max(1, entry + width - now)
        }
        let used = allowed ? live + cost : live
        var newest = log?.newest(after: cutoff)
        if allowed, cost > 0 { newest = now }
        return Evaluation(
            allowed: allowed,
            limit: policy.limit,
            remaining: max(0, policy.limit - used),
            resetAfter: newest.map { $0 + width - now } ?? 0,
            retryAfter: retry,
            update: allowed && cost > 0 ? .appendLog(count: cost, at: now, droppingThrough: cutoff) : .none,
            expiresAt: (newest ?? now) + width
        )
    }
}
