package io.llmrouter.redis;

import io.llmrouter.api.HealthReport;
import io.llmrouter.api.RateSignal;
import io.llmrouter.core.state.CooldownPass;
import io.llmrouter.core.state.DeploymentState;
import io.llmrouter.core.state.Gate;
import io.llmrouter.core.state.InMemoryDeploymentState;
import io.llmrouter.core.state.Reservation;
import io.llmrouter.core.state.StateStore;
import io.llmrouter.redis.RedisLink.Script;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One deployment's state shared through Redis, with a local {@link InMemoryDeploymentState} beside it whose
 * limits are divided by the expected instance count: the answer whenever Redis is apart.
 *
 * <p>While the link is up every admission is one {@link Scripts#ADMIT} round trip (quota, breaker with the
 * single half-open probe, rpm and tpm windows, atomically, on the router's clock). Each grant is also
 * mirrored into the local windows and kept in a short log of this instance's own grants, so that on a split
 * the local fallback already counts what this instance sent, and on a re-join the grants (and cooldowns,
 * and quota blocks) are written back: a Redis restarted empty gets its windows again.
 */
final class RedisDeploymentState implements DeploymentState, RedisLink.Member {
  private static final long WINDOW = 60_000;
  // Real-time expiry of window keys (their content is judged on the router's clock; this only collects garbage).
  private static final long WINDOW_TTL_MS = 600_000;
  // How often (real time) an admission also refreshes the window keys' TTL; a key the script creates gets its
  // TTL at once, so a key lives at least WINDOW_TTL_MS - TTL_REFRESH_NANOS after this instance's last admission.
  private static final long TTL_REFRESH_NANOS = 60_000_000_000L;
  // Extra life of cooldown and quota keys beyond their deadline.
  private static final long KEEP_MS = 3_600_000;
  private static final long DAILY_TTL_MS = 2 * 86_400_000L;
  // A probe claimed by an instance that died is given up after this long (router time).
  private static final long PROBE_LEASE_MS = 120_000;
  // The ADMIT script's constant arguments, encoded once rather than per admission.
  private static final String MODE_ALL = Integer.toString(Scripts.MODE_ALL);
  private static final String MODE_PASS_ONLY = Integer.toString(Scripts.MODE_PASS_ONLY);
  private static final String MODE_RESERVE_ONLY = Integer.toString(Scripts.MODE_RESERVE_ONLY);
  private static final String PROBE_LEASE = Long.toString(PROBE_LEASE_MS);
  private static final String WINDOW_TTL = Long.toString(WINDOW_TTL_MS);
  private static final String REFRESH = "1";
  private static final String NO_REFRESH = "0";

  /** A grant: the member id in Redis, the local mirror's grant (null when the local share was full) and the log entry. */
  static final class SharedGrant extends Reservation.Granted {
    final Reservation.Granted local;
    final Own own;

    SharedGrant(Reservation.Granted local, Own own) {
      this.local = local;
      this.own = own;
    }
  }

  /** One of this instance's own grants, for write-back. */
  static final class Own {
    final String member;
    final long at;
    volatile long tokens;

    Own(String member, long at, long tokens) {
      this.member = member;
      this.at = at;
      this.tokens = tokens;
    }
  }

  private final String id;
  private final int rpm;
  private final long tpm;
  private final InMemoryDeploymentState local;
  private final RedisLink link;
  private final Clock clock;
  private final String instance;
  private final AtomicLong seq;
  private final String keyPrefix;
  private final String[] admitKeys;
  private final String[] tokenKeys;
  private final String[] breakerKey;
  private final String[] quotaKey;
  private final String[] clearKeys;
  private final String[] windowKeys;
  private final ArrayDeque<Own> own = new ArrayDeque<>();
  private final String rpmArg;
  private final String tpmArg;
  // What Redis last said (mirrors, read without a round trip).
  private volatile long sharedQuota;
  private volatile long sharedTokens;
  private volatile String probeMember;
  private volatile long lastFailureAt = Long.MIN_VALUE;
  // System.nanoTime() from which the next admission refreshes the window keys' TTL (due at once).
  private volatile long ttlDueAt = System.nanoTime();

  RedisDeploymentState(String id, Integer rpm, Long tpm, int expectedInstances, StateStore localStore, RedisLink link,
      Clock clock, String keyPrefix, String instance, AtomicLong seq) {
    this.id = id;
    this.rpm = rpm == null ? 0 : rpm;
    this.tpm = tpm == null ? 0 : tpm;
    this.local = new InMemoryDeploymentState(id, share(rpm, expectedInstances), share(tpm, expectedInstances), localStore);
    this.link = link;
    this.clock = clock;
    this.instance = instance;
    this.seq = seq;
    // One hash slot per deployment ({...}), so every script's keys live on one Redis Cluster node too.
    this.keyPrefix = keyPrefix + ":{" + id + "}:";
    String c = this.keyPrefix + "c";
    String w = this.keyPrefix + "w";
    String tk = this.keyPrefix + "tk";
    // The quota block is a field of the breaker hash (one HMGET reads both in the admission script).
    this.admitKeys = new String[] {c, w, tk};
    this.tokenKeys = new String[] {tk};
    this.breakerKey = new String[] {c};
    this.quotaKey = this.breakerKey;
    this.clearKeys = this.breakerKey;
    this.windowKeys = new String[] {w, tk};
    this.rpmArg = Integer.toString(this.rpm);
    this.tpmArg = Long.toString(this.tpm);
    link.register(this);
  }

  /** The local fallback's share of a limit: ceil(limit / instances), at least 1. */
  static Integer share(Integer limit, int instances) {
    if (limit == null || limit == 0) return limit;
    return Math.max(1, (limit + instances - 1) / instances);
  }

  static Long share(Long limit, int instances) {
    if (limit == null || limit == 0) return limit;
    return Math.max(1L, (limit + instances - 1) / instances);
  }

  String dailyKey(LocalDate day) {
    return keyPrefix + "d:" + day;
  }

  @Override
  public String deploymentId() {
    return id;
  }

  @Override
  public boolean windowsUnlimited() {
    return rpm == 0 && tpm == 0;
  }

  // ------------------------------------------------------------------ admission

  @Override
  public boolean admitsInOneStep() {
    return true;
  }

  @Override
  public Gate admit(Clock c, long estTokens) {
    long now = c.millis();
    String member = nextMember();
    List<Object> r = link.eval(Script.ADMIT, admitKeys, Long.toString(now), rpmArg, tpmArg, Long.toString(estTokens), member,
        MODE_ALL, PROBE_LEASE, WINDOW_TTL, refreshTtl());
    if (r == null) return localAdmit(now, estTokens, member);
    int code = ((Number) r.get(0)).intValue();
    long value = ((Number) r.get(1)).longValue();
    if (tpm > 0 && code != Scripts.QUOTA && code != Scripts.COOLING && code != Scripts.PROBE_BUSY) sharedTokens = ((Number) r.get(2)).longValue();
    switch (code) {
      case Scripts.GRANT, Scripts.GRANT_PROBE -> {
        CooldownPass pass = CooldownPass.PASS;
        if (code == Scripts.GRANT_PROBE) {
          probeMember = member;
          pass = CooldownPass.PROBE;
        }
        return new Gate(0, pass, granted(now, estTokens, member));
      }
      case Scripts.QUOTA -> {
        sharedQuota = Math.max(sharedQuota, value);
        return Gate.quota(value);
      }
      case Scripts.COOLING -> {
        local.open(value, false); // mirrored: the local fallback honours it too
        return Gate.refused(CooldownPass.cooling(value));
      }
      case Scripts.PROBE_BUSY -> {
        return Gate.refused(CooldownPass.PROBE_BUSY);
      }
      case Scripts.OVER_RPM -> {
        return new Gate(0, CooldownPass.PASS, new Reservation.Refused(Reservation.Limit.RPM, value));
      }
      default -> {
        return new Gate(0, CooldownPass.PASS, new Reservation.Refused(Reservation.Limit.TPM, value < 0 ? Long.MAX_VALUE : value));
      }
    }
  }

  private Gate localAdmit(long now, long estTokens, String member) {
    link.countFallback();
    Clock at = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    Gate g = local.admit(at, estTokens);
    if (g.reservation() instanceof Reservation.Granted lg) {
      return new Gate(0, g.pass(), windowsUnlimited() ? lg : new SharedGrant(lg, log(member, now, estTokens)));
    }
    return g;
  }

  // A grant of Redis: mirrored into the local windows (refused there when this instance's share is spent,
  // which only makes the fallback more careful) and logged for write-back.
  private Reservation.Granted granted(long now, long estTokens, String member) {
    if (windowsUnlimited()) return Reservation.Granted.NO_TOKENS;
    Reservation lr = local.reserve(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), estTokens);
    return new SharedGrant(lr instanceof Reservation.Granted lg ? lg : null, log(member, now, estTokens));
  }

  private Own log(String member, long now, long tokens) {
    Own o = new Own(member, now, tokens);
    synchronized (own) {
      own.addLast(o);
      Own first;
      while ((first = own.peekFirst()) != null && now - first.at >= WINDOW) own.pollFirst();
    }
    return o;
  }

  // "1" about once a minute (real time) per deployment: then the admission also refreshes the window keys' TTL.
  // Concurrent callers may both see it due: one extra PEXPIRE, harmless.
  private String refreshTtl() {
    if (windowsUnlimited()) return NO_REFRESH;
    long t = System.nanoTime();
    if (t - ttlDueAt < 0) return NO_REFRESH;
    ttlDueAt = t + TTL_REFRESH_NANOS;
    return REFRESH;
  }

  private String nextMember() {
    return instance + ":" + seq.incrementAndGet();
  }

  @Override
  public Reservation reserve(Clock c, long estTokens) {
    long now = c.millis();
    String member = nextMember();
    List<Object> r = link.eval(Script.ADMIT, admitKeys, Long.toString(now), rpmArg, tpmArg, Long.toString(estTokens), member,
        MODE_RESERVE_ONLY, PROBE_LEASE, WINDOW_TTL, refreshTtl());
    if (r == null) {
      link.countFallback();
      Reservation lr = local.reserve(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), estTokens);
      return lr instanceof Reservation.Granted lg ? new SharedGrant(lg, log(member, now, estTokens)) : lr;
    }
    int code = ((Number) r.get(0)).intValue();
    long value = ((Number) r.get(1)).longValue();
    if (tpm > 0) sharedTokens = ((Number) r.get(2)).longValue();
    if (code == Scripts.OVER_RPM) return new Reservation.Refused(Reservation.Limit.RPM, value);
    if (code == Scripts.OVER_TPM) return new Reservation.Refused(Reservation.Limit.TPM, value < 0 ? Long.MAX_VALUE : value);
    return granted(now, estTokens, member);
  }

  @Override
  public void correct(Reservation.Granted grant, long actualTokens) {
    if (!(grant instanceof SharedGrant g) || actualTokens < 0) return;
    if (g.local != null) local.correct(g.local, actualTokens);
    long before = g.own.tokens;
    g.own.tokens = actualTokens;
    // Nothing to correct when the call used what was reserved (or what an earlier correction already sent):
    // Redis holds that amount already, so no command is sent.
    if (tpm > 0 && actualTokens != before) link.send(Script.CORRECT, tokenKeys, g.own.member, Long.toString(actualTokens));
  }

  @Override
  public long tokensInWindow(long now) {
    return link.up() ? sharedTokens : local.tokensInWindow(now);
  }

  // ------------------------------------------------------------------ provider quotas

  @Override
  public void applySignal(RateSignal s) {
    if (s == null) return;
    local.applySignal(s);
    long until = 0;
    RateSignal.Window r = s.requests();
    if (r != null && r.exhausted() && r.resetAt() != null) until = r.resetAt().toEpochMilli();
    RateSignal.Window t = s.tokens();
    if (t != null && t.exhausted() && t.resetAt() != null) until = Math.max(until, t.resetAt().toEpochMilli());
    if (until == 0) return;
    Long in = link.eval(Script.QUOTA_BLOCK, quotaKey, Long.toString(until), Long.toString(clock.millis()), Long.toString(KEEP_MS));
    if (in != null) sharedQuota = Math.max(sharedQuota, in);
  }

  @Override
  public long quotaUntil(long now) {
    long q = sharedQuota;
    return Math.max(local.quotaUntil(now), q > now ? q : 0);
  }

  @Override
  public HealthReport.Quota quota(long now) {
    HealthReport.Quota q = local.quota(now);
    long until = quotaUntil(now);
    if (q == null && until == 0) return null;
    Instant blocked = until == 0 ? null : Instant.ofEpochMilli(until);
    return q == null ? new HealthReport.Quota(null, null, blocked, null) : new HealthReport.Quota(q.requests(), q.tokens(), blocked, q.observedAt());
  }

  // ------------------------------------------------------------------ breaker

  @Override
  public CooldownPass tryPass(long now) {
    String member = nextMember();
    List<Object> r = link.eval(Script.ADMIT, admitKeys, Long.toString(now), rpmArg, tpmArg, "0", member,
        MODE_PASS_ONLY, PROBE_LEASE, WINDOW_TTL, NO_REFRESH);
    if (r == null) return local.tryPass(now);
    int code = ((Number) r.get(0)).intValue();
    long value = ((Number) r.get(1)).longValue();
    return switch (code) {
      case Scripts.GRANT -> CooldownPass.PASS;
      case Scripts.GRANT_PROBE -> {
        probeMember = member;
        yield CooldownPass.PROBE;
      }
      case Scripts.PROBE_BUSY -> CooldownPass.PROBE_BUSY;
      case Scripts.QUOTA -> {
        sharedQuota = Math.max(sharedQuota, value);
        yield CooldownPass.cooling(value);
      }
      default -> {
        local.open(value, false);
        yield CooldownPass.cooling(value);
      }
    };
  }

  @Override
  public void abortProbe() {
    String m = probeMember;
    probeMember = null;
    if (m != null) link.send(Script.RELEASE_PROBE, breakerKey, m);
    local.abortProbe();
  }

  @Override
  public boolean onSuccess(boolean probe) {
    boolean ended = local.onSuccess(probe);
    if (probe) {
      probeMember = null;
      Long r = link.eval(Script.SUCCESS, breakerKey, "1");
      return ended || (r != null && r == 1);
    }
    // Failure counts restart on a success; only worth a (non-waiting) command when this instance failed lately.
    if (clock.millis() - lastFailureAt < WINDOW) link.send(Script.SUCCESS, breakerKey, "0");
    return ended;
  }

  @Override
  public boolean onNeutral(boolean probe) {
    return probe && onSuccess(true);
  }

  @Override
  public long open(long until, boolean probe) {
    long l = local.open(until, probe);
    if (probe) probeMember = null;
    Long r = link.eval(Script.OPEN, breakerKey, Long.toString(until), probe ? "1" : "0", Long.toString(clock.millis()), Long.toString(KEEP_MS));
    return r == null ? l : Math.max(r, until);
  }

  @Override
  public long recordFailure(long now, String kind, int allowed, Integer kindAllowed, long cooldownMillis, boolean probe) {
    lastFailureAt = now;
    if (probe) probeMember = null;
    Long r = link.eval(Script.FAIL, breakerKey, Long.toString(now), kind == null ? "" : kind, Integer.toString(allowed),
        Integer.toString(kindAllowed == null ? -1 : kindAllowed), Long.toString(cooldownMillis), probe ? "1" : "0", Long.toString(KEEP_MS));
    if (r == null) return local.recordFailure(now, kind, allowed, kindAllowed, cooldownMillis, probe);
    if (r > 0) local.open(r, probe);
    else if (probe) local.abortProbe();
    return r;
  }

  @Override
  public boolean clearCooldown(long now) {
    boolean was = local.clearCooldown(now);
    sharedQuota = 0;
    Long r = link.eval(Script.CLEAR, clearKeys, Long.toString(now));
    return was || (r != null && r == 1);
  }

  @Override
  public long coolingUntil(long now) {
    if (!link.up()) return local.coolingUntil(now);
    String u = link.hget(breakerKey[0], "until");
    if (u == null) return link.up() ? 0 : local.coolingUntil(now);
    long until = Long.parseLong(u);
    return until > now ? until : 0;
  }

  @Override
  public long availableAt(long now, long estTokens) {
    Long at = link.eval(Script.AVAILABLE, admitKeys, Long.toString(now), rpmArg, tpmArg, Long.toString(estTokens));
    if (at == null) return local.availableAt(now, estTokens);
    return at < 0 ? Long.MAX_VALUE : Math.max(now, at);
  }

  // ------------------------------------------------------------------ daily counter

  @Override
  public long incrementDaily(LocalDate day) {
    // The shared count is written without waiting (read it with RedisSharedState.dailyCount); the local store
    // keeps this instance's own count, which is what survives a Redis outage.
    link.send(Script.DAILY, new String[] {dailyKey(day)}, Long.toString(DAILY_TTL_MS));
    return local.incrementDaily(day);
  }

  // ------------------------------------------------------------------ re-join

  @Override
  public boolean rejoin() {
    long now = clock.millis();
    long cooling = local.coolingUntil(now);
    if (cooling > 0 && link.evalJoining(Script.OPEN, breakerKey, Long.toString(cooling), "0", Long.toString(now), Long.toString(KEEP_MS)) == null) {
      return false;
    }
    long quota = quotaUntil(now);
    if (quota > 0 && link.evalJoining(Script.QUOTA_BLOCK, quotaKey, Long.toString(quota), Long.toString(now), Long.toString(KEEP_MS)) == null) {
      return false;
    }
    if (windowsUnlimited()) return true;
    List<String> args = new ArrayList<>();
    args.add(Long.toString(now));
    args.add(Long.toString(WINDOW_TTL_MS));
    synchronized (own) {
      for (Own o : own) {
        if (now - o.at >= WINDOW) continue;
        args.add(o.member);
        args.add(Long.toString(o.at));
        args.add(tpm > 0 ? Long.toString(o.tokens) : "-1");
      }
    }
    if (args.size() == 2) return true;
    return link.evalJoining(Script.WRITE_BACK, windowKeys, args.toArray(String[]::new)) != null;
  }
}
