package io.llmrouter.redis;

/**
 * The Lua scripts, each one atomic on the server. Every time they compare is the router's clock, passed in
 * as {@code now} (epoch ms); Redis' own TIME is never read, so a virtual clock drives shared windows exactly
 * as it drives local ones. Expiry (PEXPIRE, in Redis' time) only garbage-collects keys whose content the
 * router's time has already made irrelevant, with a generous margin.
 *
 * <p>Keys of one deployment, all in one hash slot ({@code {prefix:id}}): {@code :c} the breaker and the
 * provider-quota block (hash: {@code q} epoch ms the quota is exhausted until, {@code until}, {@code half},
 * {@code probe}, {@code pexp}, {@code fails}, {@code fstart}, {@code k:<kind>}), {@code :w} the grants of the rpm and tpm windows (zset
 * member -> time), {@code :tk} the tokens per grant and their sum in field {@code _sum} (hash; tpm only).
 */
final class Scripts {
  private Scripts() {}

  /** Answers of {@link #ADMIT}. */
  static final int GRANT = 0;
  static final int GRANT_PROBE = 1;
  static final int QUOTA = 2;
  static final int COOLING = 3;
  static final int PROBE_BUSY = 4;
  static final int OVER_RPM = 5;
  static final int OVER_TPM = 6;

  /** Admission modes. */
  static final int MODE_ALL = 0;
  static final int MODE_PASS_ONLY = 1;
  static final int MODE_RESERVE_ONLY = 2;

  private static final String CLEAR_KINDS = """
      local function clear_kinds(h)
        local ks = redis.call('HKEYS', h)
        for _, k in ipairs(ks) do if string.sub(k, 1, 2) == 'k:' then redis.call('HDEL', h, k) end end
      end
      local function keep_breaker(h, now, keep)
        local c = redis.call('HMGET', h, 'until', 'q')
        local u = math.max(tonumber(c[1] or '0'), tonumber(c[2] or '0'))
        local ttl = keep
        if u > now then ttl = ttl + (u - now) end
        redis.call('PEXPIRE', h, ttl)
      end
      """;

  /**
   * KEYS c w tk; ARGV now rpm tpm est member mode probeLease windowTtl refreshTtl.
   * Returns {code, value, tokenSum}: value is the deadline for QUOTA/COOLING, the instant the window frees
   * for OVER_RPM/OVER_TPM (-1: never), 0 otherwise.
   *
   * <p>One zset {@code w} is both windows (a grant enters the rpm and the tpm window at the same instant and
   * both leave it at the same cut); {@code tk} holds each grant's tokens and their sum (field {@code _sum}).
   * Eviction reads and deletes the evicted grants' tokens with one HMGET and one HDEL per 1,000 grants, not
   * two calls per grant. The TTL is set when a key is created (an empty zset does not exist in Redis: the
   * first ZADD after a full eviction creates it) and otherwise only when {@code refreshTtl} is 1, which the
   * caller sends about once a minute per deployment (real time): the TTL only collects garbage.
   * The quota block is field {@code q} of the breaker hash, so both are read with one HMGET. Steady state
   * with rpm and tpm: 8 redis.call's (it was 16 with separate q/r/t/ts keys and three PEXPIREs).
   */
  static final String ADMIT = """
      local now = tonumber(ARGV[1]); local rpm = tonumber(ARGV[2]); local tpm = tonumber(ARGV[3])
      local est = tonumber(ARGV[4]); local member = ARGV[5]; local mode = tonumber(ARGV[6])
      local lease = tonumber(ARGV[7]); local ttl = tonumber(ARGV[8]); local refresh = ARGV[9] == '1'
      local W = 60000
      local probe = 0
      if mode ~= 2 then
        local c = redis.call('HMGET', KEYS[1], 'q', 'until', 'half', 'pexp')
        local q = tonumber(c[1] or '0')
        if q > now then return {2, q, 0} end
        local u = tonumber(c[2] or '0'); local half = tonumber(c[3] or '0'); local pexp = tonumber(c[4] or '0')
        if u ~= 0 and now < u then return {3, u, 0} end
        if u ~= 0 then
          redis.call('HSET', KEYS[1], 'until', 0, 'half', 1)
          half = 1
        end
        if half == 1 then
          if pexp > now then return {4, 0, 0} end
          redis.call('HSET', KEYS[1], 'probe', member, 'pexp', now + lease)
          -- the quota block (if any) is over (q <= now): only the probe lease and the keep margin matter
          redis.call('PEXPIRE', KEYS[1], lease + 3600000)
          probe = 1
        end
      end
      if mode == 1 or (rpm <= 0 and tpm <= 0) then return {probe, 0, 0} end
      local function give_back()
        if probe == 1 then redis.call('HDEL', KEYS[1], 'probe'); redis.call('HSET', KEYS[1], 'pexp', 0) end
      end
      local w = KEYS[2]; local tk = KEYS[3]
      local cut = now - W
      local sum = 0
      local raw = false
      local evicted = false
      if tpm > 0 then
        local old = redis.call('ZRANGEBYSCORE', w, '-inf', cut)
        local k = #old
        if k == 0 then
          raw = redis.call('HGET', tk, '_sum')
          sum = tonumber(raw or '0')
        else
          for s = 1, k, 1000 do
            local e = math.min(s + 999, k)
            local got
            if s == 1 then
              got = redis.call('HMGET', tk, '_sum', unpack(old, s, e))
              raw = got[1]
              sum = tonumber(raw or '0')
              for i = 2, #got do sum = sum - tonumber(got[i] or '0') end
            else
              got = redis.call('HMGET', tk, unpack(old, s, e))
              for i = 1, #got do sum = sum - tonumber(got[i] or '0') end
            end
            redis.call('HDEL', tk, unpack(old, s, e))
          end
          redis.call('ZREMRANGEBYRANK', w, 0, k - 1)
          if sum < 0 then sum = 0 end
          evicted = true
        end
      else
        redis.call('ZREMRANGEBYSCORE', w, '-inf', cut)
      end
      local n = redis.call('ZCARD', w)
      if rpm > 0 and n >= rpm then
        local e = redis.call('ZRANGE', w, n - rpm, n - rpm, 'WITHSCORES')
        if evicted then redis.call('HSET', tk, '_sum', sum) end
        give_back()
        return {5, tonumber(e[2]) + W, sum}
      end
      if tpm > 0 and sum + est > tpm then
        -- a grant writes the sum below; a refusal after an eviction writes it here
        if evicted then redis.call('HSET', tk, '_sum', sum) end
        give_back()
        if est > tpm then return {6, -1, sum} end
        local es = redis.call('ZRANGE', w, 0, -1, 'WITHSCORES')
        local s = sum
        for i = 1, #es, 2 do
          s = s - tonumber(redis.call('HGET', tk, es[i]) or '0')
          if s + est <= tpm then return {6, tonumber(es[i + 1]) + W, sum} end
        end
        return {6, now, sum}
      end
      redis.call('ZADD', w, now, member)
      if refresh or n == 0 then redis.call('PEXPIRE', w, ttl) end
      if tpm > 0 then
        sum = sum + est
        redis.call('HSET', tk, member, est, '_sum', sum)
        if refresh or not raw then redis.call('PEXPIRE', tk, ttl) end
      end
      return {probe, 0, sum}
      """;

  /** KEYS tk; ARGV member actual. Replaces a reservation's estimate while it is still in the window. */
  static final String CORRECT = """
      local old = redis.call('HGET', KEYS[1], ARGV[1])
      if not old then return 0 end
      local a = tonumber(ARGV[2])
      redis.call('HSET', KEYS[1], ARGV[1], a)
      redis.call('HINCRBY', KEYS[1], '_sum', a - tonumber(old))
      return 1
      """;

  /**
   * KEYS c; ARGV until now keep. Blocks until {@code until} (field {@code q} of the breaker hash) unless a
   * later block is stored; returns the block. The hash's TTL only grows here (it may hold a longer cooldown).
   */
  static final String QUOTA_BLOCK = """
      local u = tonumber(ARGV[1]); local now = tonumber(ARGV[2])
      local cur = tonumber(redis.call('HGET', KEYS[1], 'q') or '0')
      if u > cur then
        redis.call('HSET', KEYS[1], 'q', u)
        local want = math.max(u - now, 0) + tonumber(ARGV[3])
        if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
        return u
      end
      return cur
      """;

  /** KEYS c; ARGV until probe now keep. Opens the breaker (never shortening a live deadline); returns the deadline in force. */
  static final String OPEN = CLEAR_KINDS + """
      local u = tonumber(ARGV[1]); local now = tonumber(ARGV[3])
      local cur = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
      if u > cur then redis.call('HSET', KEYS[1], 'until', u); cur = u end
      redis.call('HSET', KEYS[1], 'half', 0)
      if ARGV[2] == '1' then redis.call('HDEL', KEYS[1], 'probe'); redis.call('HSET', KEYS[1], 'pexp', 0) end
      keep_breaker(KEYS[1], now, tonumber(ARGV[4]))
      return cur
      """;

  /**
   * KEYS c; ARGV now kind allowed kindAllowed(-1: none) cooldownMs probe keep. Counts a failure within the
   * minute (across every instance) and opens the breaker when over the allowance; returns the new deadline or 0.
   */
  static final String FAIL = CLEAR_KINDS + """
      local now = tonumber(ARGV[1]); local kind = ARGV[2]; local allowed = tonumber(ARGV[3])
      local kindAllowed = tonumber(ARGV[4]); local cd = tonumber(ARGV[5]); local probe = ARGV[6] == '1'
      local keep = tonumber(ARGV[7]); local h = KEYS[1]
      local fstart = tonumber(redis.call('HGET', h, 'fstart') or '0')
      local fails = 0
      if now - fstart >= 60000 then
        redis.call('HSET', h, 'fstart', now)
        clear_kinds(h)
      else
        fails = tonumber(redis.call('HGET', h, 'fails') or '0')
      end
      fails = fails + 1
      redis.call('HSET', h, 'fails', fails)
      local ofKind = redis.call('HINCRBY', h, 'k:' .. kind, 1)
      local trip = probe
      if not trip then
        if kindAllowed >= 0 then trip = ofKind > kindAllowed else trip = fails > allowed end
      end
      if (not trip) or cd <= 0 then
        if probe then
          redis.call('HDEL', h, 'probe')
          redis.call('HSET', h, 'pexp', 0, 'half', 1)
        end
        keep_breaker(h, now, keep)
        return 0
      end
      redis.call('HSET', h, 'fails', 0)
      clear_kinds(h)
      local cur = tonumber(redis.call('HGET', h, 'until') or '0')
      local u = now + cd
      if u > cur then redis.call('HSET', h, 'until', u); cur = u end
      redis.call('HSET', h, 'half', 0)
      if probe then redis.call('HDEL', h, 'probe'); redis.call('HSET', h, 'pexp', 0) end
      keep_breaker(h, now, keep)
      return cur
      """;

  /** KEYS c; ARGV probe. A success: failure counts restart; a probe (or any success while half-open) closes it. Returns 1 when it closed. */
  static final String SUCCESS = CLEAR_KINDS + """
      local h = KEYS[1]
      if redis.call('EXISTS', h) == 0 then return 0 end
      redis.call('HSET', h, 'fails', 0)
      clear_kinds(h)
      local half = tonumber(redis.call('HGET', h, 'half') or '0')
      if ARGV[1] == '1' or half == 1 then
        redis.call('HSET', h, 'half', 0, 'pexp', 0)
        redis.call('HDEL', h, 'probe')
        return half
      end
      return 0
      """;

  /** KEYS c; ARGV member. Gives a claimed probe back (admitted but not sent). */
  static final String RELEASE_PROBE = """
      if redis.call('HGET', KEYS[1], 'probe') == ARGV[1] then
        redis.call('HDEL', KEYS[1], 'probe')
        redis.call('HSET', KEYS[1], 'pexp', 0)
        return 1
      end
      return 0
      """;

  /** KEYS c; ARGV now. An operator's clear: returns 1 when it was cooling, half-open or quota-blocked. */
  static final String CLEAR = """
      local now = tonumber(ARGV[1])
      local c = redis.call('HMGET', KEYS[1], 'until', 'half', 'q')
      local was = 0
      if tonumber(c[1] or '0') ~= 0 or tonumber(c[2] or '0') == 1 then was = 1 end
      if tonumber(c[3] or '0') > now then was = 1 end
      redis.call('DEL', KEYS[1])
      return was
      """;

  /** KEYS c w tk; ARGV now rpm tpm est. Epoch ms a request would pass (-1: never), without taking anything. */
  static final String AVAILABLE = """
      local now = tonumber(ARGV[1]); local rpm = tonumber(ARGV[2]); local tpm = tonumber(ARGV[3]); local est = tonumber(ARGV[4])
      local W = 60000
      local at = now
      local c = redis.call('HMGET', KEYS[1], 'q', 'until')
      local q = tonumber(c[1] or '0')
      if q > at then at = q end
      local u = tonumber(c[2] or '0')
      if u > at then at = u end
      if rpm <= 0 and tpm <= 0 then return at end
      if tpm > 0 and est > tpm then return -1 end
      local es = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. (now - W), '+inf', 'WITHSCORES')
      if rpm > 0 then
        local n = #es / 2
        if n >= rpm then
          local f = tonumber(es[(n - rpm) * 2 + 2]) + W
          if f > at then at = f end
        end
      end
      if tpm > 0 then
        local sum = 0
        for i = 1, #es, 2 do sum = sum + tonumber(redis.call('HGET', KEYS[3], es[i]) or '0') end
        if sum + est > tpm then
          local s = sum
          for i = 1, #es, 2 do
            s = s - tonumber(redis.call('HGET', KEYS[3], es[i]) or '0')
            if s + est <= tpm then
              local f = tonumber(es[i + 1]) + W
              if f > at then at = f end
              break
            end
          end
        end
      end
      return at
      """;

  /**
   * KEYS w tk; ARGV now ttl then (member at tokens)*. Writes back this instance's own grants of the last
   * minute after a re-join, each at most once (a Redis restarted empty gets its windows back).
   */
  static final String WRITE_BACK = """
      local now = tonumber(ARGV[1]); local ttl = tonumber(ARGV[2])
      local n = 0
      for i = 3, #ARGV, 3 do
        local m = ARGV[i]; local at = tonumber(ARGV[i + 1]); local tok = tonumber(ARGV[i + 2])
        if now - at < 60000 then
          if redis.call('ZADD', KEYS[1], 'NX', at, m) == 1 then n = n + 1 end
          if tok >= 0 and redis.call('HSETNX', KEYS[2], m, tok) == 1 then
            redis.call('HINCRBY', KEYS[2], '_sum', tok)
          end
        end
      end
      for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ttl) end
      return n
      """;

  /** KEYS daily; ARGV keep. Counts one request for the day. */
  static final String DAILY = """
      local n = redis.call('INCR', KEYS[1])
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
      return n
      """;
}
