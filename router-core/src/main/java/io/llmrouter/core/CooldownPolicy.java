package io.llmrouter.core;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.core.config.RouterSettings;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.state.CooldownRecord;
import io.llmrouter.core.state.StateStore;
import java.time.Instant;
import java.util.function.Function;

/**
 * What a failure does to a deployment's availability. Deadlines are absolute and never shortened: a
 * provider's own reset time wins; only evidence of a daily (or monthly) cap without one cools for
 * {@code cooldown_time}; any other 429 (a minute or second scope by its message or its provider's known
 * windows, or no evidence of a long cap) and transient failures count against {@code allowed_fails} per
 * minute and cool only until their window can have reopened (at most {@link #WINDOW_COOLDOWN_CAP_MILLIS},
 * then the half-open probe decides), so four minute 429s never take a deployment out for the day
 * {@code cooldown_time} is sized for. A provider's hint is clamped to what its scope can mean
 * ({@link #maxHintMillis}). Every deadline goes to the {@link StateStore} (restarts keep it)
 * and to the listeners.
 */
final class CooldownPolicy {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CooldownPolicy.class);
  static final long TRANSIENT_COOLDOWN_CAP_MILLIS = 60_000;
  /** The longest cooldown of a rate limit without evidence of a daily cap: a minute window has reopened by then. */
  static final long WINDOW_COOLDOWN_CAP_MILLIS = 60_000;

  private final RouterSettings settings;
  private final long cooldownMillis;
  private final StateStore store;
  private final Listeners listeners;
  private final Function<Deployment, Secret> keys;
  private final java.util.Set<String> clampWarned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  CooldownPolicy(RouterSettings settings, StateStore store, Listeners listeners) {
    this(settings, store, listeners, d -> null);
  }

  /** @param keys the key each deployment sends now (fingerprinted, never stored, when it is refused) */
  CooldownPolicy(RouterSettings settings, StateStore store, Listeners listeners, Function<Deployment, Secret> keys) {
    this.keys = keys;
    this.settings = settings;
    this.cooldownMillis = settings.cooldownTime() == null ? 0 : settings.cooldownTime().toMillis();
    this.store = store;
    this.listeners = listeners;
  }

  /** Applies the rules to a failure of {@code d}. @return the deadline in force when it cooled, else 0 */
  long onFailure(Deployment d, ProviderException e, long now, boolean probe) {
    return onFailure(d, e, now, probe, 0);
  }

  /**
   * Applies the rules to a failure of {@code d} by a request the router estimated at {@code estTokens}
   * (0: unknown). @return the deadline in force when it cooled, else 0
   */
  long onFailure(Deployment d, ProviderException e, long now, boolean probe, long estTokens) {
    ErrorKind kind = ErrorKind.of(e);
    Integer kindAllowed = settings.allowedFailsPolicy().get(kind.allowedFailsKey);
    long until;
    if (e instanceof RateLimitedException r) {
      long known = clampHint(d, r, providerHint(r, now), now);
      TokenRefusal w = known > now ? TokenRefusal.of(r.getMessage()) : null;
      if (w != null && d.state.limitTokens(w.limit(), w.left(), w.windowMillis(), now, known, w.scale(estTokens))) {
        // The window had room, only not for this request: hold back what does not fit until the hint,
        // let smaller requests spend what is left. The deployment itself is not cooling.
        if (probe && d.state.onNeutral(true)) ended(d);
        until = 0;
      } else if (known > now) until = d.state.open(known, probe);
      else if (r.scope().isLong()) until = cooldownMillis > 0 ? d.state.open(now + cooldownMillis, probe) : 0;
      else until = d.state.recordFailure(now, kind.allowedFailsKey, settings.allowedFails(), kindAllowed,
          Math.min(cooldownMillis, windowMillis(r.scope())), probe);
    } else if (e instanceof AuthenticationException || e instanceof ModelNotFoundException) {
      until = cooldownMillis > 0 ? d.state.open(now + cooldownMillis, probe) : 0;
    } else if ((kind == ErrorKind.BAD_REQUEST || kind == ErrorKind.CONTENT_POLICY) && kindAllowed == null) {
      // The request's fault, not the deployment's; a probe that gets this far proves the deployment answers.
      if (d.state.onNeutral(probe)) ended(d);
      until = 0;
    } else {
      // A 5xx, a timeout or a refused connection says nothing about how long the outage lasts: cap the
      // cooldown so the half-open probe finds a recovered server within a minute. cooldown_time is sized
      // for daily caps (the guide's 86400 s); applied blindly it would keep a local vLLM that was down for
      // minutes out of the pool for a day.
      until = d.state.recordFailure(now, kind.allowedFailsKey, settings.allowedFails(), kindAllowed,
          Math.min(cooldownMillis, TRANSIENT_COOLDOWN_CAP_MILLIS), probe);
    }
    if (until > 0) {
      Instant at = Instant.ofEpochMilli(until);
      String why = withoutKey(RouterErrors.describe(e), keys.apply(d));
      store.putCooldown(d.id, record(d, e, at, why));
      listeners.onCooldownStart(d.id, at, why);
    }
    return until;
  }

  /**
   * A token window's refusal of a request larger than what the window had left, as Groq states it: "on
   * tokens per day (TPD): Limit 500000, Used 499983, Requested 149" (a request window's refusal, "(RPM)",
   * is not one: the window that refused counts requests). Digits are capped at 18 and the message length
   * at 4 KiB (bounded matching); numbers that do not explain the refusal (requested within what was left)
   * read as absent.
   *
   * @param windowMillis how long the window takes to refill its whole limit
   */
  record TokenRefusal(long limit, long left, long requested, long windowMillis) {
    private static final java.util.regex.Pattern PATTERN = java.util.regex.Pattern.compile(
        "\\((TPM|TPD)\\):\\s{0,4}Limit\\s{1,4}(\\d{1,18}),\\s{0,4}Used\\s{1,4}(\\d{1,18}),\\s{0,4}Requested\\s{1,4}~?(\\d{1,18})",
        java.util.regex.Pattern.CASE_INSENSITIVE);

    static TokenRefusal of(String message) {
      if (message == null || message.length() > 4_096) return null;
      java.util.regex.Matcher m = PATTERN.matcher(message);
      if (!m.find()) return null;
      long limit = Long.parseLong(m.group(2));
      long used = Long.parseLong(m.group(3));
      long requested = Long.parseLong(m.group(4));
      long left = Math.max(0, limit - used);
      if (limit <= 0 || requested <= left) return null;
      return new TokenRefusal(limit, left, requested, m.group(1).equalsIgnoreCase("TPD") ? 86_400_000L : 60_000L);
    }

    /**
     * How many of the provider's tokens one of the router's estimated tokens counts for, from the refused
     * request ({@code requested} against the router's estimate of it), within [0.5, 64]; 1 when unknown.
     */
    double scale(long estTokens) {
      if (estTokens <= 0) return 1.0;
      return Math.max(0.5, Math.min(64.0, (double) requested / estTokens));
    }
  }

  /**
   * The latest a provider's hint for a limit of {@code scope} can sensibly mean, from {@code now}: a
   * second or minute window reopens within a minute (two allowed, for clock skew and rounding), an hour
   * window within an hour (plus a minute), a daily cap at the day's reset (at most 24 h away, plus an hour
   * for providers that reset at their own midnight), a monthly cap within 31 days (plus a day). An unknown
   * scope gets the daily bound: a daily cap legitimately says {@code retry-after: 86399}.
   */
  static long maxHintMillis(io.llmrouter.api.RateScope scope) {
    return switch (scope) {
      case SECOND, MINUTE -> 2 * 60_000L;
      case HOUR -> 61 * 60_000L;
      case DAY, UNKNOWN -> 25 * 3_600_000L;
      case MONTH -> 32 * 86_400_000L;
    };
  }

  /**
   * {@code hint} clamped to what {@code r}'s scope can mean ({@link #maxHintMillis}): an absurd
   * {@code retry-after: 999999999} once cooled a deployment for a year, persisted across restarts. Logged
   * once per deployment.
   */
  private long clampHint(Deployment d, RateLimitedException r, long hint, long now) {
    long latest = now + maxHintMillis(r.scope());
    if (hint <= latest) return hint;
    if (clampWarned.add(d.id)) {
      LOG.warn("deployment {}: the provider's {} rate-limit hint ({}) is beyond what that scope can mean; cooling until {} instead"
          + " (logged once per deployment)", d.id, r.scope(), Instant.ofEpochMilli(hint), Instant.ofEpochMilli(latest));
    }
    return latest;
  }

  /**
   * {@code s} with each window's reset clamped to what the window's scope can mean
   * ({@link #maxHintMillis} from the signal's own instant): an exhausted window with an absurd reset would
   * otherwise block its deployment as long as an absurd cooldown. The same instance when nothing changes.
   */
  static RateSignal bounded(RateSignal s) {
    if (s == null || s.observedAt() == null) return s;
    RateSignal.Window r = boundedWindow(s.requests(), s.observedAt());
    RateSignal.Window t = boundedWindow(s.tokens(), s.observedAt());
    return r == s.requests() && t == s.tokens() ? s : new RateSignal(r, t, s.retryAfter(), s.observedAt());
  }

  private static RateSignal.Window boundedWindow(RateSignal.Window w, Instant at) {
    if (w == null || w.resetAt() == null || w.scope() == null) return w;
    Instant latest = at.plusMillis(maxHintMillis(w.scope()));
    return w.resetAt().isAfter(latest) ? new RateSignal.Window(w.limit(), w.remaining(), latest, w.scope()) : w;
  }

  /**
   * How long a window of {@code scope} can take to reopen after it filled: a second for a per-second
   * limit, a minute for anything else that is not a daily cap (an hourly limit is probed every minute
   * rather than guessed at; an unknown scope is treated as the minute limit free tiers almost always are).
   */
  static long windowMillis(io.llmrouter.api.RateScope scope) {
    return scope == io.llmrouter.api.RateScope.SECOND ? 1_000 : WINDOW_COOLDOWN_CAP_MILLIS;
  }

  /** {@code text} with the deployment's key masked: a provider may echo the key it refused, and reasons are stored. */
  static String withoutKey(String text, Secret key) {
    if (key == null) return text;
    String k = key.reveal();
    return k == null || k.length() < 4 ? text : text.replace(k, "****");
  }

  /** The stored form of a cooldown: an auth or not-found cause keeps a fingerprint of what a fix would change. */
  private CooldownRecord record(Deployment d, ProviderException e, Instant at, String why) {
    if (e instanceof AuthenticationException) {
      return new CooldownRecord(at, why, CooldownRecord.Cause.AUTHENTICATION, Fingerprints.key(d.id, keys.apply(d)));
    }
    if (e instanceof ModelNotFoundException) {
      return new CooldownRecord(at, why, CooldownRecord.Cause.MODEL_NOT_FOUND, Fingerprints.definition(d.config));
    }
    return CooldownRecord.limit(at, why);
  }

  /**
   * At start-up: ends a persisted cooldown of {@code d} whose cause has been fixed since, an
   * authentication failure when the deployment now has a different key, a missing model when its
   * definition changed. A deployment without a key now keeps its cooldown (a missing key is no fix, and
   * the deployment cannot be called anyway).
   *
   * @return true when it ended one
   */
  boolean endFixedCooldown(Deployment d, long now) {
    CooldownRecord c = store.cooldownRecords().get(d.id);
    if (c == null || c.fingerprint() == null || c.until().toEpochMilli() <= now) return false;
    boolean fixed = switch (c.cause()) {
      case AUTHENTICATION -> {
        String current = Fingerprints.key(d.id, keys.apply(d));
        yield current != null && !current.equals(c.fingerprint());
      }
      case MODEL_NOT_FOUND -> !Fingerprints.definition(d.config).equals(c.fingerprint());
      case LIMIT -> false;
    };
    if (!fixed) return false;
    d.state.clearCooldown(now);
    ended(d);
    return true;
  }

  /**
   * Ends the cooldowns and quota blocks of {@code ds} now (an operator's clear): state, store, listeners.
   *
   * @return how many were cooling or quota-blocked
   */
  int clear(java.util.Collection<Deployment> ds, long now) {
    int n = 0;
    for (Deployment d : ds) {
      boolean was = d.state.clearCooldown(now);
      store.clearCooldown(d.id);
      if (was) {
        n++;
        listeners.onCooldownEnd(d.id);
      }
    }
    return n;
  }

  /** A call of {@code d} succeeded. */
  void onSuccess(Deployment d, boolean probe) {
    if (d.state.onSuccess(probe)) ended(d);
  }

  private void ended(Deployment d) {
    store.clearCooldown(d.id);
    listeners.onCooldownEnd(d.id);
  }

  /** The provider's own word on when to come back, as epoch ms; 0 when it said nothing. */
  static long providerHint(LlmRouterException e, long now) {
    if (!(e instanceof ProviderException pe)) return 0;
    Instant at = null;
    if (pe instanceof RateLimitedException r) {
      if (r.resetAt() != null) at = r.resetAt();
      else if (r.retryAfter() != null) at = Instant.ofEpochMilli(now).plus(r.retryAfter());
    }
    RateSignal s = pe.rateSignal();
    if (at == null && s != null && s.retryAfter() != null) at = s.retryAt();
    if (at == null && s != null) at = exhaustedReset(s);
    return at == null ? 0 : at.toEpochMilli();
  }

  private static Instant exhaustedReset(RateSignal s) {
    Instant at = null;
    if (s.requests() != null && s.requests().exhausted() && s.requests().resetAt() != null) at = s.requests().resetAt();
    if (s.tokens() != null && s.tokens().exhausted() && s.tokens().resetAt() != null) {
      Instant t = s.tokens().resetAt();
      if (at == null || t.isAfter(at)) at = t;
    }
    return at;
  }
}
