package io.llmrouter.core;

import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.config.RouterSettings;
import io.llmrouter.core.state.CooldownPass;
import io.llmrouter.core.state.Gate;
import io.llmrouter.core.state.Reservation;
import java.time.Clock;

/**
 * Decides whether one deployment takes one request now, cheapest check first: dialect, mode (chat or embedding), health, context
 * window, key, the provider's announced quota, the cooldown breaker (with its single half-open probe),
 * max_parallel_requests, then the rpm/tpm reservation. A refused check undoes what earlier ones took (the
 * probe, the permit), so a skip leaves nothing behind.
 */
final class Admission {
  /** Admit (the {@link Ticket}) or {@link Skip}. */
  sealed interface Decision permits Ticket, Skip {}

  /**
   * Not now.
   *
   * @param until epoch ms the reason ends, 0 when unknown or never
   * @param contextSkip the request can never fit this deployment (prompt over max_input_tokens, or more
   *     tokens than its whole tpm): counted for context_window_fallbacks
   */
  record Skip(Kind kind, long until, String detail, boolean contextSkip) implements Decision {}

  private final DeploymentRegistry registry;
  private final Clock clock;
  private final boolean preCallChecks;

  Admission(DeploymentRegistry registry, RouterSettings settings, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.preCallChecks = settings.enablePreCallChecks();
  }

  Decision admit(Deployment d, RequestState rs, boolean useHealth, long now) {
    if (d.noDialect != null) return new Skip(Kind.FAILED, 0, d.noDialect, false);
    if (rs.isEmbedding() ? !d.config.servesEmbeddings() : !d.config.servesChat()) {
      return new Skip(Kind.WRONG_MODE, 0, "model_info.mode " + d.config.mode() + (rs.isEmbedding() ? ": not an embedding model" : ": not a chat model"), false);
    }
    if (useHealth && d.unhealthy()) return new Skip(Kind.UNHEALTHY, 0, d.healthError(), false);
    Integer max = d.config.maxInputTokens();
    if (preCallChecks && max != null && rs.promptTokens > max) {
      return new Skip(Kind.CONTEXT_TOO_SMALL, 0, "~" + rs.promptTokens + " prompt tokens > max_input_tokens " + max, true);
    }
    // One read of the environment when the key is there (the usual case); only without one is it asked
    // whether one is needed (and which variable is missing).
    Secret key = registry.key(d);
    if (key == null) {
      String missing = registry.keyMissing(d);
      if (missing != null) return new Skip(Kind.MISSING_KEY, 0, "variable " + missing + " is not set", false);
    }
    // Larger than the deployment's whole declared tpm: no wait and no quota makes it fit, so it is refused as
    // such (to context_window_fallbacks) before a provider quota that is short right now could say "later".
    Long tpm = d.config.tpm();
    if (tpm != null && tpm > 0 && rs.estTokens > tpm) {
      return refused(d, rs, new Reservation.Refused(Reservation.Limit.TPM, Long.MAX_VALUE));
    }
    if (d.parallel == null && d.state.admitsInOneStep()) return admitInOneStep(d, rs, key, now);
    long q = d.state.quotaUntil(now, rs.promptTokens, rs.completionCap(), rs.tools);
    if (q != 0) return new Skip(Kind.QUOTA_EXHAUSTED, q, "the provider's quota has no room for ~" + rs.estTokens + " tokens", false);
    // First come, first served: what requests parked here before this one committed for their wake-ups is
    // theirs (one volatile read when nobody is parked). Before the breaker, so a held request claims no probe.
    Reservation.Refused held = heldBack(d, rs, now);
    if (held != null) return queued(held);
    CooldownPass pass = d.state.tryPass(now);
    if (!pass.passes()) {
      return new Skip(Kind.COOLING, pass.until(), pass.status() == CooldownPass.Status.PROBE_BUSY ? "half-open: probe in flight" : null, false);
    }
    Ticket t = new Ticket(d);
    t.probe = pass.status() == CooldownPass.Status.PROBE;
    if (d.parallel != null) {
      if (!d.parallel.tryAcquire()) {
        if (t.probe) d.state.abortProbe();
        return new Skip(Kind.MAX_PARALLEL, 0, null, false);
      }
      t.permit = true;
    }
    if (!d.state.windowsUnlimited()) {
      Reservation r = d.state.reserve(clock, rs.estTokens);
      if (r instanceof Reservation.Refused no) {
        if (t.permit) d.parallel.release();
        if (t.probe) d.state.abortProbe();
        // Larger than the deployment's whole tpm: it can never fit, like a prompt over the context window.
        // Counting it as such sends the request to context_window_fallbacks, as LiteLLM does with Groq's
        // 413 "Request too large" (which this local check pre-empts).
        return refused(d, rs, behind(d, rs, now, no));
      }
      t.tokens = (Reservation.Granted) r;
    }
    d.state.spendTokens(now, rs.estTokens);
    t.admittedAt = now;
    d.inFlight.incrementAndGet();
    t.apiKey = key;
    return t;
  }

  // A shared state answers quota, breaker and windows in one atomic step (one Redis round trip), and gives
  // a claimed probe back itself when the windows refuse. Only without max_parallel_requests: the permit is
  // taken between the breaker and the windows, which one step cannot interleave.
  private Decision admitInOneStep(Deployment d, RequestState rs, Secret key, long now) {
    Gate g = d.state.admit(clock, rs.estTokens);
    if (g.quotaUntil() != 0) return new Skip(Kind.QUOTA_EXHAUSTED, g.quotaUntil(), "provider reported remaining 0", false);
    CooldownPass pass = g.pass();
    if (!pass.passes()) {
      return new Skip(Kind.COOLING, pass.until(), pass.status() == CooldownPass.Status.PROBE_BUSY ? "half-open: probe in flight" : null, false);
    }
    if (g.reservation() instanceof Reservation.Refused no) return refused(d, rs, no);
    Ticket t = new Ticket(d);
    t.probe = pass.status() == CooldownPass.Status.PROBE;
    if (!d.state.windowsUnlimited()) t.tokens = (Reservation.Granted) g.reservation();
    t.admittedAt = now;
    d.inFlight.incrementAndGet();
    t.apiKey = key;
    return t;
  }

  private static Skip queued(Reservation.Refused held) {
    return new Skip(held.limit() == Reservation.Limit.RPM ? Kind.OVER_RPM : Kind.OVER_TPM, held.freeAt(),
        "held for the requests waiting here before it", false);
  }

  // A window that refused: the request fits when it frees and, when requests are parked here, after them.
  private static Reservation.Refused behind(Deployment d, RequestState rs, long now, Reservation.Refused no) {
    if (no.never()) return no;
    Reservation.Refused held = heldBack(d, rs, now);
    return held == null || held.freeAt() <= no.freeAt() ? no : new Reservation.Refused(no.limit(), held.freeAt());
  }

  // The queue's answer for this request, unless waiting behind it would cost the request its deadline: a
  // place in line that cannot be served in time would only turn a request that fits now into a failure.
  private static Reservation.Refused heldBack(Deployment d, RequestState rs, long now) {
    Reservation.Refused held = d.state.heldBack(now, rs.estTokens, rs.holdAt(d));
    if (held == null || held.never()) return null;
    long room = d.roomToRun(rs.deadline - now);
    return held.freeAt() + room <= rs.deadline ? held : null;
  }

  private static Skip refused(Deployment d, RequestState rs, Reservation.Refused no) {
    long until = no.never() ? 0 : no.freeAt();
    return no.limit() == Reservation.Limit.RPM
        ? new Skip(Kind.OVER_RPM, until, "rpm " + d.config.rpm(), false)
        : new Skip(Kind.OVER_TPM, until, "tpm " + d.config.tpm() + ", request ~" + rs.estTokens + " tokens", no.never());
  }
}
