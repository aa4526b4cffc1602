package io.llmrouter.core;

import static io.llmrouter.core.PolicyFixture.byId;
import static io.llmrouter.core.PolicyFixture.dep;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.Reservation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Admission} on its own: each refusal, what it gives back, and the ticket it grants. */
class AdmissionPolicyTest {
  final PolicyFixture f = new PolicyFixture();

  DeploymentRegistry registry;
  Admission admission;

  Deployment setUp(DeploymentBuilder d, boolean preCallChecks) {
    RouterConfig config = RouterConfig.builder().deployment(d).deployment(dep("other", "x")).enablePreCallChecks(preCallChecks).build();
    registry = f.registry(config);
    admission = new Admission(registry, config.router(), f.clock);
    return registry.deployments().get(0);
  }

  Deployment setUp(DeploymentBuilder d) {
    return setUp(d, false);
  }

  Admission.Decision admit(Deployment d) {
    return admit(d, f.request(d.group));
  }

  Admission.Decision admit(Deployment d, RequestState rs) {
    return admission.admit(d, rs, true, f.now());
  }

  static Admission.Skip skip(Admission.Decision decision) {
    assertThat(decision).isInstanceOf(Admission.Skip.class);
    return (Admission.Skip) decision;
  }

  static Ticket ticket(Admission.Decision decision) {
    assertThat(decision).isInstanceOf(Ticket.class);
    return (Ticket) decision;
  }

  void exhaustQuotaUntil(Deployment d, Instant reset) {
    d.state.applySignal(new RateSignal(new RateSignal.Window(10L, 0L, reset, RateScope.MINUTE), null, null, f.clock.instant()));
  }

  @Test
  void aDeploymentWithoutADialectIsSkippedFirst() {
    Deployment d = setUp(DeploymentBuilder.of("g", "nope/model").id("d").apiKeyEnv("UNSET_VAR"));
    d.setHealth("down");
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.FAILED);
    assertThat(s.detail()).contains("nope");
    assertThat(s.until()).isZero();
    assertThat(s.contextSkip()).isFalse();
    assertThat(d.inFlight.get()).isZero();
  }

  @Test
  void aMissingKeyWinsOverQuotaAndCoolingAndNamesTheVariable() {
    Deployment d = setUp(dep("g", "d").apiKeyEnv("MY_UNSET_KEY"));
    exhaustQuotaUntil(d, f.clock.instant().plusSeconds(30));
    d.state.open(f.now() + 5_000, false);
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.MISSING_KEY);
    assertThat(s.detail()).isEqualTo("variable MY_UNSET_KEY is not set");
    assertThat(s.until()).isZero();
    assertThat(s.contextSkip()).isFalse();
  }

  @Test
  void theDialectsKeyVariableIsNamedWhenNoKeyIsConfigured() {
    f.env = io.llmrouter.core.config.Env.of(java.util.Map.of());
    Deployment d = setUp(dep("g", "d"));
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.MISSING_KEY);
    assertThat(s.detail()).contains("GROQ_API_KEY");
  }

  @Test
  void eachCheckInTurnUntilTheTicket() {
    Deployment d = setUp(dep("g", "d").maxInputTokens(5).maxParallelRequests(1).rpm(1), true);
    long t0 = f.now();
    // take the only permit and the only rpm slot first
    Ticket holder = ticket(admit(d));
    assertThat(holder.permit).isTrue();
    assertThat(holder.probe).isFalse();
    exhaustQuotaUntil(d, Instant.ofEpochMilli(t0 + 10_000));
    d.state.open(t0 + 20_000, false);
    d.setHealth("health check failed");
    RequestState big = f.request(PolicyFixture.ask("g").messages(io.llmrouter.api.ChatMessage.user("x".repeat(400))).build());

    Admission.Skip s = skip(admit(d, big));
    assertThat(s.kind()).isEqualTo(Kind.UNHEALTHY);
    assertThat(s.detail()).isEqualTo("health check failed");
    assertThat(s.until()).isZero();
    // health is not consulted when the selector says so
    assertThat(skip(admission.admit(d, big, false, f.now())).kind()).isEqualTo(Kind.CONTEXT_TOO_SMALL);
    d.setHealth(null);

    s = skip(admit(d, big));
    assertThat(s.kind()).isEqualTo(Kind.CONTEXT_TOO_SMALL);
    assertThat(s.contextSkip()).isTrue();
    assertThat(s.until()).isZero();
    assertThat(s.detail()).contains("max_input_tokens 5");

    // a short prompt: the provider's quota
    s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.QUOTA_EXHAUSTED);
    assertThat(s.until()).isEqualTo(t0 + 10_000);
    assertThat(s.contextSkip()).isFalse();

    f.clock.set(Instant.ofEpochMilli(t0 + 10_000));
    s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.COOLING);
    assertThat(s.until()).isEqualTo(t0 + 20_000);
    assertThat(s.detail()).isNull();

    // cooldown over: this request would be the probe, but the permit is held; the probe is given back
    f.clock.set(Instant.ofEpochMilli(t0 + 20_000));
    s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.MAX_PARALLEL);
    assertThat(s.until()).isZero();
    holder.release();
    assertThat(d.parallel.availablePermits()).isEqualTo(1);

    // the rpm slot is still used until t0 + 60 s; the probe and the permit are given back again
    s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.OVER_RPM);
    assertThat(s.until()).isEqualTo(t0 + 60_000);
    assertThat(s.contextSkip()).isFalse();
    assertThat(s.detail()).isEqualTo("rpm 1");
    assertThat(d.parallel.availablePermits()).isEqualTo(1);
    assertThat(d.inFlight.get()).isZero();

    f.clock.set(Instant.ofEpochMilli(t0 + 60_000));
    Ticket t = ticket(admit(d));
    assertThat(t.probe).as("the probe was given back by every refusal").isTrue();
    assertThat(t.permit).isTrue();
    assertThat(t.deployment).isSameAs(d);
  }

  @Test
  void aProbeInFlightMakesOthersSkipAsCoolingWithoutAnEnd() {
    Deployment d = setUp(dep("g", "d"));
    d.state.open(f.now() + 1_000, false);
    f.clock.advance(Duration.ofSeconds(1));
    Ticket probe = ticket(admit(d));
    assertThat(probe.probe).isTrue();
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.COOLING);
    assertThat(s.until()).isZero();
    assertThat(s.detail()).isEqualTo("half-open: probe in flight");
  }

  @Test
  void maxParallelRefusesWhilePermitsAreHeld() {
    Deployment d = setUp(dep("g", "d").maxParallelRequests(2));
    Ticket a = ticket(admit(d));
    Ticket b = ticket(admit(d));
    assertThat(d.inFlight.get()).isEqualTo(2);
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.MAX_PARALLEL);
    assertThat(d.inFlight.get()).isEqualTo(2);
    a.release();
    assertThat(ticket(admit(d)).permit).isTrue();
    b.release();
  }

  @Test
  void overTpmNamesWhenTheWindowFrees() {
    Deployment d = setUp(dep("g", "d").tpm(300));
    RequestState rs = f.request("g");
    assertThat(rs.estTokens).isEqualTo(4 + RequestState.DEFAULT_COMPLETION_TOKENS);
    long t0 = f.now();
    Ticket t = ticket(admit(d, rs));
    assertThat(t.tokens).isNotNull().isNotSameAs(Reservation.Granted.NO_TOKENS);
    f.clock.advance(Duration.ofSeconds(1));
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.OVER_TPM);
    assertThat(s.until()).isEqualTo(t0 + 60_000);
    assertThat(s.contextSkip()).isFalse();
    assertThat(s.detail()).isEqualTo("tpm 300, request ~260 tokens");
  }

  @Test
  void aRequestLargerThanTheWholeTpmIsAContextSkipWithoutAnEnd() {
    Deployment d = setUp(dep("g", "d").tpm(100).maxParallelRequests(1));
    d.state.open(f.now() + 1, false);
    f.clock.advance(Duration.ofMillis(1));
    Admission.Skip s = skip(admit(d));
    assertThat(s.kind()).isEqualTo(Kind.OVER_TPM);
    assertThat(s.until()).isZero();
    assertThat(s.contextSkip()).isTrue();
    // the probe and the permit were given back
    assertThat(d.parallel.availablePermits()).isEqualTo(1);
    assertThat(d.state.tryPass(f.now()).status()).isEqualTo(io.llmrouter.core.state.CooldownPass.Status.PROBE);
  }

  @Test
  void aTicketHoldsTheKeyFromTheEnvAndIsReleasedExactlyOnce() {
    Deployment d = setUp(dep("g", "d").maxParallelRequests(3));
    Ticket t = ticket(admit(d));
    assertThat(t.apiKey).isNotNull();
    assertThat(t.apiKey.reveal()).isEqualTo("gsk-test-secret");
    assertThat(t.tokens).as("no window: nothing reserved").isNull();
    assertThat(t.probe).isFalse();
    assertThat(d.inFlight.get()).isEqualTo(1);
    assertThat(d.parallel.availablePermits()).isEqualTo(2);
    t.release();
    assertThat(d.inFlight.get()).isZero();
    assertThat(d.parallel.availablePermits()).isEqualTo(3);
    t.release();
    assertThat(d.inFlight.get()).isZero();
    assertThat(d.parallel.availablePermits()).isEqualTo(3);
  }

  @Test
  void aConfiguredKeyVariableIsReadFromTheEnv() {
    f.env = io.llmrouter.core.config.Env.of(java.util.Map.of("TEAM_KEY", "team-secret"));
    Deployment d = setUp(dep("g", "d").apiKeyEnv("TEAM_KEY").rpm(5));
    Ticket t = ticket(admit(d));
    assertThat(t.apiKey.reveal()).isEqualTo("team-secret");
    assertThat(t.tokens).as("rpm only: the call's own slot, no tokens").isNotNull().isNotSameAs(Reservation.Granted.NO_TOKENS);
    assertThat(t.permit).isFalse();
    t.release();
    assertThat(d.inFlight.get()).isZero();
  }
}
