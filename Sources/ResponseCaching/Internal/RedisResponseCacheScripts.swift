import Redis

/// The Lua scripts of ``RedisResponseCacheStore``: each read, store and invalidation is one atomic round trip.
///
/// Keys, under the store's prefix `P`: `P e:<key>` a hash (`v` the value, `m` the times and the epoch, `t` the tags,
/// one per line); `P epoch` the invalidation counter; `P h:k:<key>`, `P h:t:<tag>`, `P h:*` the hard marks and
/// `P s:k:<key>`, `P s:t:<tag>`, `P s:*` the soft marks (the epoch of the latest invalidation of each); `P l:<key>`
/// the fill locks. The marks' names are built in the scripts, so the store suits a single Redis (or a cluster with
/// one hash tag as prefix), not a cluster spread by key.
enum RedisResponseCacheScripts {
    /// The marks of a key with its tags: sets `hard` and `soft` to the newest epochs that concern it.
    static let marks = #"""
        local function marks(p, key, tags)
          local hard = tonumber(redis.call('GET', p .. 'h:*') or '0')
          local soft = tonumber(redis.call('GET', p .. 's:*') or '0')
          local names = {'k:' .. key}
          for tag in string.gmatch(tags, '[^\n]+') do names[#names + 1] = 't:' .. tag end
          for _, name in ipairs(names) do
            local h = tonumber(redis.call('GET', p .. 'h:' .. name) or '0')
            if h > hard then hard = h end
            local s = tonumber(redis.call('GET', p .. 's:' .. name) or '0')
            if s > soft then soft = s end
          end
          return hard, soft
        end
        """#

    /// KEYS[1] the entry; ARGV: prefix, key. Returns nil, or {value, times, tags, soft-purged 0/1}.
    static let read = RedisScript(
        marks + "\n" + #"""
            local e = redis.call('HMGET', KEYS[1], 'v', 'm', 't')
            if not e[1] then return false end
            local epoch = tonumber(string.match(e[2], '(%d+)$'))
            local hard, soft = marks(ARGV[1], ARGV[2], e[3])
            if hard > epoch then return false end
            return {e[1], e[2], e[3], soft > epoch and 1 or 0}
            """#
    )

    /// KEYS[1] the entry; ARGV: prefix, key, epoch, lifetime ms, value, times, tags. Returns 1 stored, 0 refused.
    static let store = RedisScript(
        marks + "\n" + #"""
            local hard, soft = marks(ARGV[1], ARGV[2], ARGV[7])
            local epoch = tonumber(ARGV[3])
            if hard > epoch or soft > epoch then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'v', ARGV[5], 'm', ARGV[6] .. ' ' .. ARGV[3], 't', ARGV[7])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return 1
            """#
    )

    /// KEYS[1] the entry; ARGV: prefix, key, lifetime ms, value, times (without the epoch), tags, marker lifetime
    /// ms, channel, message head. Returns the new epoch.
    static let replace = RedisScript(
        #"""
        local p = ARGV[1]
        local epoch = redis.call('INCR', p .. 'epoch')
        redis.call('SET', p .. 'h:k:' .. ARGV[2], epoch, 'PX', ARGV[7])
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'v', ARGV[4], 'm', ARGV[5] .. ' ' .. epoch, 't', ARGV[6])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PUBLISH', ARGV[8], ARGV[9] .. epoch .. '\n0\nk\n' .. ARGV[2])
        return epoch
        """#
    )

    /// ARGV: prefix, kind (`k`, `t` or `*`), name, soft (0/1), marker lifetime ms, channel, message head. Returns the
    /// new epoch.
    static let invalidate = RedisScript(
        #"""
        local p = ARGV[1]
        local epoch = redis.call('INCR', p .. 'epoch')
        local mark = ARGV[2] == '*' and '*' or (ARGV[2] .. ':' .. ARGV[3])
        redis.call('SET', p .. (ARGV[4] == '1' and 's:' or 'h:') .. mark, epoch, 'PX', ARGV[5])
        if ARGV[2] == 'k' and ARGV[4] == '0' then redis.call('DEL', p .. 'e:' .. ARGV[3]) end
        redis.call('PUBLISH', ARGV[6], ARGV[7] .. epoch .. '\n' .. ARGV[4] .. '\n' .. ARGV[2] .. '\n' .. ARGV[3])
        return epoch
        """#
    )

    /// KEYS[1] the lock; ARGV[1] the token. Deletes the lock only if the token holds it.
    static let unlock = RedisScript(
        #"""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """#
    )
}
