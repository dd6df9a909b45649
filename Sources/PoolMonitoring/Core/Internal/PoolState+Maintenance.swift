extension PoolState {
    // MARK: Maintenance

    /// One pass of the maintenance loop: closes idle connections past their lifetime or (above the minimum) their
    /// idle timeout, takes aside idle connections due for a keepalive, reports leaks once and reclaims those past
    /// the hard limit, then opens connections up to the minimum and for waiters.
    mutating func maintain(now: Instant) -> Actions {
        var actions = Actions()
        guard !shutDown else { return actions }
        var kept: [Idle] = []
        var open = total
        // Oldest first, so the idle timeout closes the connections unused longest.
        for slot in idle {
            let idleTooLong = configuration.idleTimeout.map { slot.lastUsed.duration(to: now) >= $0 } ?? false
            if expired(created: slot.created, now: now)
                || (idleTooLong && open > configuration.minimum)
            {
                open -= 1
                counters.closed += 1
                actions.close.append(slot.connection)
            } else if let interval = configuration.keepaliveInterval, slot.lastUsed.duration(to: now) >= interval {
                checking[slot.id] = (slot.connection, slot.created, slot.affinity)
                counters.keepalives += 1
                actions.keepalive.append((slot.id, slot.connection))
            } else {
                kept.append(slot)
            }
        }
        idle = kept
        sweepLeaks(now: now, &actions)
        fill(&actions, now: now)
        return actions
    }

    mutating func sweepLeaks(now: Instant, _ actions: inout Actions) {
        guard let threshold = configuration.leakThreshold else { return }
        for (id, lease) in leases.sorted(by: { $0.key < $1.key }) {
            let held = lease.since.duration(to: now)
            if let limit = configuration.leakReclaimLimit, held >= limit {
                leases[id] = nil
                counters.reclaimed += 1
                counters.closed += 1
                if !lease.reported { counters.leaks += 1 }
                actions.close.append(lease.connection)
                actions.leaks.append(LeakReport(id: id, holder: lease.holder, held: held, reclaimed: true))
            } else if held >= threshold, !lease.reported {
                leases[id]?.reported = true
                counters.leaks += 1
                actions.leaks.append(LeakReport(id: id, holder: lease.holder, held: held, reclaimed: false))
            }
        }
    }

    /// Opens connections up to the minimum and for waiters (outside back-off).
    mutating func fill(_ actions: inout Actions, now: Instant) {
        if let until = backoffUntil, now < until { return }
        while total < configuration.minimum {
            opening += 1
            actions.open += 1
        }
        openForWaiters(&actions, now: now)
    }

    /// A keepalive ended: a live connection goes back (to a waiter first), a dead one is closed.
    mutating func checked(id: Int, alive: Bool, now: Instant) -> Actions {
        var actions = Actions()
        guard let entry = checking.removeValue(forKey: id) else { return actions }
        if alive, retired.remove(id) == nil, !shutDown, total < configuration.maximum {
            offer(
                id: id,
                connection: entry.connection,
                created: entry.created,
                affinity: entry.affinity,
                now: now,
                &actions
            )
        } else {
            if !alive { counters.connectionErrors += 1 }
            counters.closed += 1
            actions.close.append(entry.connection)
            fill(&actions, now: now)
        }
        return actions
    }

    // MARK: Resizing

    /// Sets new limits: idle connections above the new maximum are closed at once, held ones when returned; the
    /// pool grows to the new minimum and opens connections for waiters the new maximum allows.
    mutating func resize(minimum: Int, maximum: Int, now: Instant) -> Actions {
        var actions = Actions()
        if minimum != configuration.minimum || maximum != configuration.maximum { counters.sizeChanges += 1 }
        configuration.minimum = minimum
        configuration.maximum = maximum
        // Close the idle connections unused longest first.
        while total > maximum, !idle.isEmpty {
            counters.closed += 1
            actions.close.append(idle.removeFirst().connection)
        }
        fill(&actions, now: now)
        return actions
    }

    // MARK: Replacing every connection

    /// Retires every connection (after a credential rotation): idle ones are closed at once and replaced up to the
    /// minimum; held ones, ones being checked and ones being opened are closed when they come back. No held
    /// connection is disturbed.
    mutating func retireAll(now: Instant) -> Actions {
        var actions = Actions()
        retired.formUnion(leases.keys)
        retired.formUnion(checking.keys)
        retired.formUnion(pendingOpens)
        counters.closed += idle.count
        actions.close = idle.map(\.connection)
        idle.removeAll()
        fill(&actions, now: now)
        return actions
    }

    // MARK: Shutting down

    /// Fails every waiter and hands back every idle connection to close; held ones are closed when returned.
    mutating func shut() -> Actions {
        var actions = Actions()
        shutDown = true
        let error = PoolError(.shutDown, "the pool stopped")
        for waiter in waiters { actions.resume.append((waiter.continuation, .failure(error))) }
        waiters.removeAll()
        actions.close = idle.map(\.connection) + checking.values.map(\.connection)
        counters.closed += actions.close.count
        idle.removeAll()
        checking.removeAll()
        return actions
    }

    // MARK: Reading

    func snapshot(now: Instant) -> PoolSnapshot {
        let threshold = configuration.leakThreshold
        let leaks = leases.values.filter { lease in threshold.map { lease.since.duration(to: now) >= $0 } ?? false }
            .sorted { $0.since < $1.since }
            .map { lease in
                let held = lease.since.duration(to: now)
                return PoolSnapshot.Leak(
                    label: lease.holder.label,
                    file: lease.holder.file,
                    line: lease.holder.line,
                    heldMilliseconds: held.components.seconds * 1_000 + held.components.attoseconds
                        / 1_000_000_000_000_000
                )
            }
        return PoolSnapshot(
            minimum: configuration.minimum,
            maximum: configuration.maximum,
            total: total,
            idle: idle.count,
            inUse: leases.count,
            opening: opening,
            waiting: waiters.count,
            dedicated: dedicated,
            acquired: counters.acquired,
            timeouts: counters.timeouts,
            rejected: counters.rejected,
            leaks: counters.leaks,
            reclaimed: counters.reclaimed,
            queryTimeouts: counters.queryTimeouts,
            connectionsOpened: counters.opened,
            connectionsClosed: counters.closed,
            keepalives: counters.keepalives,
            connectionErrors: counters.connectionErrors,
            sizeChanges: counters.sizeChanges,
            currentLeaks: leaks
        )
    }
}
