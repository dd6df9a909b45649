extension MemoryCacheShard {
    /// The estimated frequency from which a candidate that merely ties its victim may still be admitted, rarely and
    /// at random: it keeps an attacker from pinning a victim by making it look as popular as every newcomer.
    static var warmCandidateFrequency: Int { 6 }

    /// Records a hit in the recency order. In the window and the protected segment it only sets the entry's
    /// reference bit (CLOCK: the entry is moved to the tail if it reaches the head still referenced), so a hit
    /// touches one slot; a hit on probation promotes the entry to the protected segment, demoting the protected
    /// segment's least recently used entries to probation when it overflows.
    @usableFromInline
    mutating func recordAccess(_ slot: Int32) {
        switch self.marks[Int(slot)].queue {
        case .window, .protected:
            if !self.marks[Int(slot)].referenced {
                self.marks[Int(slot)].referenced = true
            }
        case .probation:
            self.unlink(slot)
            self.append(slot, to: .protected)
            while self.protected.bytes > self.protectedBudget, self.protected.head != slot {
                let head = self.protected.head
                self.unlink(head)
                if self.marks[Int(head)].referenced {
                    self.append(head, to: .protected)
                } else {
                    self.append(head, to: .probation)
                }
            }
        case .free:
            break
        }
    }

    /// Brings the window back within its share, then the shard within its budget.
    ///
    /// Entries leaving the window join the probationary segment's most recently used end as candidates. While the
    /// shard is over budget, the oldest remaining candidate competes with the main space's victim (the
    /// probationary segment's least recently used entry, then the protected segment's, then the window's): the
    /// candidate stays only if the sketch estimates it more frequent; otherwise it is dropped, which counts as a
    /// rejection. A dropped victim counts as an eviction.
    /// - Parameters:
    ///   - tracked: a slot whose survival the caller wants to know.
    ///   - pinned: a slot never to drop (the entry just replaced), or `Link.none`.
    /// - Returns: false if `tracked` was dropped.
    mutating func evict(tracking tracked: Int32, pinned: Int32) -> Bool {
        var candidate = Link.none
        while self.window.bytes > self.windowBudget, self.window.head != Link.none {
            let leaving = self.window.head
            self.unlink(leaving)
            if self.marks[Int(leaving)].referenced {
                self.append(leaving, to: .window)
                continue
            }
            self.append(leaving, to: .probation)
            if candidate == Link.none {
                candidate = leaving
            }
        }
        var trackedKept = true
        var victim = self.probation.head
        var victimQueue = Link.Queue.probation
        while self.bytes > self.budget {
            if victimQueue == .probation, victim == Link.none || victim == candidate {
                victimQueue = .protected
                victim = self.protected.head
            }
            if victimQueue == .protected, victim == Link.none {
                victimQueue = .window
                victim = self.window.head
            }
            if victim != Link.none, victim == pinned {
                victim = self.links[Int(victim)].next
                continue
            }
            if candidate != Link.none, candidate == pinned {
                candidate = self.links[Int(candidate)].next
                continue
            }
            if candidate == Link.none, victim == Link.none {
                break
            }
            let dropVictim: Bool
            if candidate == Link.none {
                dropVictim = true
            } else if victim == Link.none {
                dropVictim = false
            } else {
                dropVictim = self.admit(candidate, over: victim)
            }
            if dropVictim {
                let dropped = victim
                victim = self.links[Int(victim)].next
                if candidate != Link.none {
                    candidate = self.links[Int(candidate)].next
                }
                trackedKept = trackedKept && dropped != tracked
                self.remove(dropped)
                self.counters.evictions += 1
            } else {
                let dropped = candidate
                candidate = self.links[Int(candidate)].next
                trackedKept = trackedKept && dropped != tracked
                self.remove(dropped)
                self.counters.rejections += 1
            }
        }
        return trackedKept
    }

    /// TinyLFU's admission rule: a candidate replaces a victim only if it is estimated more frequent.
    private mutating func admit(_ candidate: Int32, over victim: Int32) -> Bool {
        let candidateFrequency = self.sketch.frequency(self.links[Int(candidate)].hash)
        let victimFrequency = self.sketch.frequency(self.links[Int(victim)].hash)
        if candidateFrequency > victimFrequency {
            return true
        }
        if candidateFrequency >= Self.warmCandidateFrequency {
            return self.random.next() & 127 == 0
        }
        return false
    }
}
