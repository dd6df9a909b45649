import Redis

/// The Lua script behind ``RedisRateLimitStore``: one request's checks decided in one `EVALSHA`, all or nothing,
/// on the Redis server's clock.
///
/// It computes the formulas of ``RateLimitState`` with the same rounding (times in integer microseconds, the token
/// bucket's tokens as a double kept at full precision with `%.17g`), so the Redis store and the in-memory store give
/// the same decisions for the same requests at the same times (`RedisRateLimitStoreConformanceTests`).
///
/// Lua numbers are doubles: every time and product stays exact while it is below 2^53 µs, which policy validation
/// guarantees for a burst's span, and which the Unix time plus such a span stays below for any span up to about
/// 230 years.
///
/// Arguments (``RedisRateLimitStore`` builds them):
/// - `KEYS[i]`: check *i*'s state. Two checks may name the same key: the later one sees the earlier one's update.
/// - `ARGV[1]`: `time` (read the clock with `TIME`), or now in µs (a clock override, for tests).
/// - `ARGV[2]`: milliseconds added to every TTL (0 unless the clock is overridden).
/// - then six per check: algorithm (``code(of:)``), limit, window µs, capacity, interval µs, cost.
///
/// Reply: `[admitted (1/0), now µs, then per check: admitted (1/0), remaining, reset µs, retry µs (-1: none)]`.
///
/// State: GCRA, token bucket and the two window counters are strings (`gcra <tat>`,
/// `tb <tokens> <updated> <expires>`, `fw <window> <count>`, `swc <window> <current> <previous>`, written with
/// `SET … PX`); the sliding-window log is a sorted set with one member per admitted request,
/// `r<running total of the costs, 16 digits>:<cost>`, scored by its time: its size follows the requests, never their
/// costs, and every query on it is O(log n) (a rejection's retry time O(log² n)). A key that holds another
/// algorithm's state (a policy whose algorithm changed) counts as a fresh key and is overwritten.
enum RedisRateLimitScript {
    /// `ARGV[1]` when the script reads the clock itself.
    static let redisClock = "time"

    /// The script's number for an algorithm.
    static func code(of algorithm: RateLimitAlgorithm) -> Int {
        switch algorithm {
        case .gcra: 1
        case .tokenBucket: 2
        case .fixedWindow: 3
        case .slidingWindowCounter: 4
        case .slidingWindowLog: 5
        }
    }

    /// The script, with its digest.
    static let script = RedisScript(source)

    /// The Lua source.
    static let source = """
        -- Decides one request's rate-limit checks, all or nothing, on the Redis clock.
        -- The formulas and rounding are those of RateLimitState.swift: times in integer microseconds.
        --
        -- KEYS[i]     the state of check i (two checks may name the same key: the later one sees the earlier one's update)
        -- ARGV[1]     'time' (read the clock with TIME) or now in microseconds (deterministic tests)
        -- ARGV[2]     milliseconds added to every TTL (0 unless the clock is overridden)
        -- ARGV[3 + 6(i-1) ...]  per check: algorithm (1 gcra, 2 token bucket, 3 fixed window, 4 sliding-window counter,
        --             5 sliding-window log), limit, window us, capacity, interval us, cost
        -- Reply       {admitted (1/0), now us, then per check: admitted (1/0), remaining, reset us, retry us (-1: none)}
        --
        -- State: gcra, token bucket and the window counters are strings ('gcra <tat>', 'tb <tokens> <updated> <expires>',
        -- 'fw <window> <count>', 'swc <window> <current> <previous>'); the sliding-window log is a sorted set of
        -- 'r<running total>:<cost>' members, one per admitted request, scored by their time. A key holding another
        -- algorithm's state counts as a fresh key.
        local now
        if ARGV[1] == 'time' then
          local clock = redis.call('TIME')
          now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        else
          now = tonumber(ARGV[1])
        end
        local padding = tonumber(ARGV[2])
        local EPSILON = 1e-6
        local single = #KEYS == 1

        local function int(value) return string.format('%.0f', value) end

        -- floor(a / b) for integers a >= 0, b > 0, exact below 2^53 (a double quotient may round up to the next integer)
        local function floorDivide(a, b)
          local q = math.floor(a / b)
          if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
          return q
        end

        -- a / b truncated toward zero, as Swift's Int64 division
        local function quotient(a, b)
          if a < 0 then return -floorDivide(-a, b) end
          return floorDivide(a, b)
        end

        local function decode(raw)
          local tag, a, b, c = string.match(raw, '^(%a+) (%S+) ?(%S*) ?(%S*)$')
          if tag == nil then return nil end
          return {tag = tag, tonumber(a), tonumber(b), tonumber(c)}
        end

        local function encode(state, expires)
          local tag = state.tag
          if tag == 'gcra' then return 'gcra ' .. int(state[1]) end
          if tag == 'tb' then return string.format('tb %.17g %s %s', state[1], int(state[2]), int(expires)) end
          if tag == 'fw' then return 'fw ' .. int(state[1]) .. ' ' .. int(state[2]) end
          return 'swc ' .. int(state[1]) .. ' ' .. int(state[2]) .. ' ' .. int(state[3])
        end

        -- The state a key holds now, as the in-memory store sees it: a token bucket past its expiry is no state.
        local function load(key, isLog)
          local kind
          if isLog then
            kind = redis.call('TYPE', key).ok
            if kind == 'zset' then
              -- A log written before entries carried their cost ('<us>:<n>', one per unit) counts as a fresh key.
              local first = redis.call('ZRANGE', key, 0, 0)[1]
              if first and string.sub(first, 1, 1) ~= 'r' then return nil end
              return {tag = 'log', zset = true, added = 0}
            end
            if kind ~= 'string' then return nil end
          end
          local raw = redis.pcall('GET', key)
          if type(raw) ~= 'string' then
            if not isLog and type(raw) == 'table' and raw.err and redis.call('TYPE', key).ok == 'zset' then
              return {tag = 'log', zset = true, added = 0}
            end
            return nil
          end
          local state = decode(raw)
          if state and state.tag == 'tb' and not (state[3] and state[3] > now) then return nil end
          return state
        end

        -- When a loaded state becomes indistinguishable from no state (for the max the in-memory store keeps).
        local function expiryOf(state, window)
          if state == nil then return nil end
          local tag = state.tag
          if tag == 'gcra' and state[1] then return state[1] end
          if tag == 'tb' then return state[3] end
          if tag == 'fw' and state[1] then return (state[1] + 1) * window end
          if tag == 'swc' and state[1] then return (state[1] + 2) * window end
          return 0
        end

        -- The algorithms. Each returns {allowed, remaining, reset, retry (nil: none), update (nil: none), expires}.

        -- GCRA's remaining units when the key's TAT is `ttl` ahead of now.
        local function gcraRemaining(tolerance, interval, ttl)
          local next = tolerance - ttl
          if next > 0 then return floorDivide(next, interval) end
          return 0
        end

        local function gcra(p, cost, state)
          local interval, capacity = p.interval, p.capacity
          local tolerance = interval * capacity
          local tat = now
          if state and state.tag == 'gcra' and state[1] and state[1] > now then tat = state[1] end
          if cost > capacity then
            return {false, gcraRemaining(tolerance, interval, tat - now), tat - now, nil, nil, tat}
          end
          local newTat = tat + interval * cost
          local difference = now - (newTat - tolerance)
          if difference < 0 then
            return {false, gcraRemaining(tolerance, interval, tat - now), tat - now, -difference, nil, tat}
          end
          return {true, gcraRemaining(tolerance, interval, newTat - now), newTat - now, nil, {tag = 'gcra', newTat}, newTat}
        end

        -- The time for `missing` tokens to refill at `limit` per `window`.
        local function timeToRefill(missing, window, limit)
          if missing <= EPSILON then return 0 end
          return math.ceil(missing * window / limit)
        end

        local function tokenBucket(p, cost, state)
          local capacity, limit, window = p.capacity, p.limit, p.window
          local tokens = capacity
          if state and state.tag == 'tb' and state[1] and state[2] then
            local elapsed = now - state[2]
            if elapsed < 0 then elapsed = 0 end
            tokens = math.min(capacity, state[1] + elapsed * limit / window)
          end
          local allowed = cost <= capacity and tokens + EPSILON >= cost
          local retry = nil
          if allowed then
            tokens = math.max(0, tokens - cost)
          elseif cost <= capacity then
            retry = math.max(1, timeToRefill(cost - tokens, window, limit))
          end
          local reset = timeToRefill(capacity - tokens, window, limit)
          local update = nil
          if allowed then update = {tag = 'tb', tokens, now} end
          return {allowed, math.floor(tokens + EPSILON), reset, retry, update, now + reset}
        end

        local function fixedWindow(p, cost, state)
          local width = p.window
          local index = quotient(now, width)
          local count = 0
          if state and state.tag == 'fw' and state[1] == index and state[2] then count = state[2] end
          local ending = (index + 1) * width
          local allowed = count + cost <= p.limit
          if allowed then count = count + cost end
          local retry = nil
          if not allowed and cost <= p.limit then retry = ending - now end
          local update = nil
          if allowed then update = {tag = 'fw', index, count} end
          return {allowed, math.max(0, p.limit - count), ending - now, retry, update, ending}
        end

        local function slidingWindowCounter(p, cost, state)
          local width, limit = p.window, p.limit
          local index = quotient(now, width)
          local start = index * width
          local elapsed = now - start
          local current, previous = 0, 0
          if state and state.tag == 'swc' and state[1] and state[2] and state[3] then
            if state[1] == index then
              current, previous = state[2], state[3]
            elseif state[1] == index - 1 then
              previous = state[2]
            end
          end
          local weight = (width - elapsed) / width
          local estimate = previous * weight + current
          local allowed = cost <= limit and estimate + cost <= limit + EPSILON
          local retry = nil
          if allowed then
            current = current + cost
          elseif cost <= limit then
            local room = limit - cost
            if current <= room and previous > 0 then
              -- The previous window's share decays enough within this window.
              local neededWeight = (room - current) / previous
              local at = math.ceil(width * (1 - neededWeight))
              retry = math.max(1, at - elapsed)
            else
              -- Next window: this window's count becomes the previous one and decays from there.
              local at = 0
              if current > 0 then at = math.ceil(width * (1 - room / current)) end
              retry = math.max(1, width - elapsed + math.max(0, at))
            end
          end
          local after = previous * weight + current
          local remaining = math.max(0, math.floor(limit - after + EPSILON))
          local reset = 0
          if current > 0 then reset = start + 2 * width - now elseif previous > 0 then reset = start + width - now end
          local update = nil
          if allowed then update = {tag = 'swc', index, current, previous} end
          return {allowed, remaining, reset, retry, update, start + 2 * width}
        end

        -- A log entry is one admitted request: the member 'r<running total, 16 digits>:<cost>', scored by its time.
        -- The running total is the sum of the costs appended so far, this entry's included, so the units of any
        -- suffix are one subtraction away and the entry holding the n-th live unit is a binary search over ranks.
        -- Zero-padded totals sort like numbers, so members with equal scores keep their order.
        local function entryMember(total, cost) return string.format('r%016.0f:%s', total, int(cost)) end
        local function entryTotal(member)
          local total, cost = string.match(member, '^r(%d+):(%d+)$')
          return tonumber(total), tonumber(cost)
        end

        -- At most this many expired entries are removed per write (each write appends one), so no single request
        -- pays for a whole window's expiry; entries at or before the cutoff never count, removed or not.
        local MAX_REMOVED = 256

        -- A log is seen through a view: the sorted set (when `zset`), minus the entries at or before `dropped`, plus
        -- `added` units at `now` that this request appends when it is admitted.
        -- Returns the live units stored, the cutoff used, the running total before the first live entry, the rank of
        -- the first live entry (= the number of expired entries), and the newest entry's time (nil: none).
        -- O(log n): four commands, whatever the costs.
        local function logLive(key, log, cutoff)
          local low = cutoff
          if log.dropped and log.dropped > low then low = log.dropped end
          if not log.zset then return 0, low, 0, 0, nil end
          local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
          local newest = tonumber(last[2])
          local first = redis.call('ZRANGEBYSCORE', key, '(' .. int(low), '+inf', 'LIMIT', 0, 1)[1]
          if first == nil then return 0, low, 0, redis.call('ZCARD', key), newest end
          local firstTotal, firstCost = entryTotal(first)
          local lastTotal = entryTotal(last[1])
          local base = firstTotal - firstCost
          return lastTotal - base, low, base, redis.call('ZRANK', key, first), newest
        end

        local function slidingWindowLog(p, cost, log, key)
          local width, limit = p.window, p.limit
          local cutoff = now - width
          if log and log.tag ~= 'log' then log = nil end
          local stored, low, base, firstRank, newestStored = 0, cutoff, 0, 0, nil
          if log then stored, low, base, firstRank, newestStored = logLive(key, log, cutoff) end
          local live = stored + (log and log.added or 0)
          local allowed = cost <= limit and live + cost <= limit
          local retry = nil
          if not allowed and cost <= limit and log then
            -- The entry holding the (live + cost - limit)-th oldest live unit must leave the window.
            local need = live + cost - limit
            local entry = now
            if need <= stored then
              -- The first entry whose running total reaches base + need: O(log^2 n).
              local target = base + need
              local lowRank, highRank = firstRank, redis.call('ZCARD', key) - 1
              while lowRank < highRank do
                local middle = math.floor((lowRank + highRank) / 2)
                if entryTotal(redis.call('ZRANGE', key, middle, middle)[1]) >= target then
                  highRank = middle
                else
                  lowRank = middle + 1
                end
              end
              entry = tonumber(redis.call('ZRANGE', key, lowRank, lowRank, 'WITHSCORES')[2])
            end
            retry = math.max(1, entry + width - now)
          end
          local used = live
          if allowed then used = live + cost end
          local newest = nil
          if log then
            if log.added > 0 then
              newest = now
            elseif newestStored and newestStored > cutoff then
              newest = newestStored
            end
          end
          if allowed and cost > 0 then newest = now end
          local reset = 0
          if newest then reset = newest + width - now end
          local update = nil
          if allowed and cost > 0 then update = {tag = 'append', cost, cutoff} end
          return {allowed, math.max(0, limit - used), reset, retry, update, (newest or now) + width}
        end

        local algorithms = {gcra, tokenBucket, fixedWindow, slidingWindowCounter, slidingWindowLog}

        -- The state after an admitted update.
        local function updated(current, update)
          if update.tag ~= 'append' then return update end
          if current and current.tag == 'log' then
            local dropped = update[2]
            if current.dropped and current.dropped > dropped then dropped = current.dropped end
            return {tag = 'log', zset = current.zset, dropped = dropped, added = current.added + update[1]}
          end
          return {tag = 'log', zset = false, added = update[1]}
        end

        -- Pass 1: every check against the state the earlier checks of this request would leave.
        local records, order = {}, {}
        local checks, results = {}, {}
        local admitted = true
        for i = 1, #KEYS do
          local base = 2 + (i - 1) * 6
          local algorithm = tonumber(ARGV[base + 1])
          local p = {
            limit = tonumber(ARGV[base + 2]),
            window = tonumber(ARGV[base + 3]),
            capacity = tonumber(ARGV[base + 4]),
            interval = tonumber(ARGV[base + 5]),
          }
          local cost = tonumber(ARGV[base + 6])
          local key = KEYS[i]
          local record = records[key]
          if record == nil then
            local state = load(key, algorithm == 5)
            record = {original = state, current = state, changed = false}
            if not single then record.expires = expiryOf(state, p.window) end
            records[key] = record
            order[#order + 1] = key
          end
          local result = algorithms[algorithm](p, cost, record.current, key)
          checks[i] = {algorithm, p, key}
          results[i] = result
          if result[1] then
            local update, expires = result[5], result[6]
            if single or record.current == nil then
              if update then
                record.current = updated(record.current, update)
                record.expires = expires
                record.changed = true
              end
            else
              if update then record.current = updated(record.current, update) end
              record.expires = math.max(record.expires or 0, expires)
              record.changed = true
            end
          else
            admitted = false
          end
        end

        -- Pass 2: write every change, or none.
        if admitted then
          for _, key in ipairs(order) do
            local record = records[key]
            if record.changed then
              local state, expires = record.current, record.expires
              if expires <= now then
                redis.call('DEL', key)
              else
                local ttl = math.ceil((expires - now) / 1000) + padding
                if state.tag == 'log' then
                  local total, stamp = 0, now
                  if not state.zset then
                    redis.call('DEL', key)
                  else
                    local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
                    if last[1] then
                      total = entryTotal(last[1])
                      -- Scores never go back (a clock stepped back after a failover), so ranks follow the totals.
                      if tonumber(last[2]) > stamp then stamp = tonumber(last[2]) end
                    end
                    if state.dropped then
                      local expired = redis.call('ZCOUNT', key, '-inf', int(state.dropped))
                      if expired > 0 then
                        redis.call('ZREMRANGEBYRANK', key, 0, math.min(expired, MAX_REMOVED) - 1)
                        if redis.call('ZCARD', key) == 0 then total = 0 end
                      end
                    end
                  end
                  if state.added > 0 then
                    redis.call('ZADD', key, int(stamp), entryMember(total + state.added, state.added))
                  end
                  redis.call('PEXPIRE', key, ttl)
                else
                  redis.call('SET', key, encode(state, expires), 'PX', ttl)
                end
              end
            end
          end
        end

        local reply = {admitted and 1 or 0, now}
        for i, result in ipairs(results) do
          if not admitted and result[1] then
            -- Nothing was consumed: report the key's state as it is.
            local check = checks[i]
            result = algorithms[check[1]](check[2], 0, records[check[3]].original, check[3])
          end
          reply[#reply + 1] = result[1] and 1 or 0
          reply[#reply + 1] = result[2]
          reply[#reply + 1] = result[3]
          reply[#reply + 1] = result[4] or -1
        end
        return reply
        """
}
