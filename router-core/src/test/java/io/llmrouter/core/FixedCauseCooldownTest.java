package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.CooldownRecord;
import io.llmrouter.core.state.JsonFileStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cooldown caused by a refused key or an unknown model must not outlive the fix across a restart
 * with the state file: a changed key ends an authentication cooldown, a changed deployment definition a
 * model-not-found one; the same key or definition keeps it. The key never reaches the file.
 */
class FixedCauseCooldownTest extends EngineTestSupport {
  static final String KEY = "gsk-test-secret";
  static final String NEW_KEY = "gsk-corrected-secret";
  @TempDir Path dir;

  Path file() {
    return dir.resolve("state.json");
  }

  static RouterConfig config(DeploymentBuilder d) {
    return RouterConfig.builder().deployment(d).numRetries(0).cooldownTime(Duration.ofHours(24)).build();
  }

  Router start(RouterConfig config, String key) {
    env = Env.of(Map.of("GROQ_API_KEY", key));
    return router(config, JsonFileStateStore.open(file(), clock), null);
  }

  static ModelGroupStatus status(Router r) {
    return r.modelGroups().get(0);
  }

  void coolWith(Router r, RuntimeException e) {
    provider.fail("a", e);
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(e.getClass());
    assertThat(status(r).availableAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    r.close();
  }

  @Test
  void anAuthCooldownSurvivesARestartWithTheSameKeyAndEndsWithANewOne() throws IOException {
    RouterConfig config = config(dep("g", "a"));
    coolWith(start(config, KEY), new AuthenticationException("groq HTTP 401: Invalid API Key", ctx(401, "a")));
    String stored = Files.readString(file());
    assertThat(stored).contains("AUTHENTICATION").contains("fingerprint").doesNotContain(KEY).doesNotContain("gsk-");

    clock.advance(Duration.ofMinutes(5));
    Router same = start(config, KEY);
    assertThat(status(same).availableNow()).isFalse();
    same.close();

    Router fixed = start(config, NEW_KEY);
    assertThat(status(fixed).availableNow()).isTrue();
    assertThat(fixed.chat(ask("g")).route().deploymentId()).isEqualTo("a");
    assertThat(Files.readString(file())).doesNotContain("AUTHENTICATION").doesNotContain(NEW_KEY);
  }

  @Test
  void aProviderEchoingTheRefusedKeyDoesNotPutItInTheFileOrTheListing() throws IOException {
    Router r = start(config(dep("g", "a")), KEY);
    coolWith(r, new AuthenticationException("groq HTTP 401: Incorrect API key provided: " + KEY, ctx(401, "a")));
    assertThat(Files.readString(file())).doesNotContain(KEY).contains("Incorrect API key provided: ****");
    Router again = start(config(dep("g", "a")), KEY);
    assertThat(again.cooldowns()).singleElement().satisfies(c -> assertThat(c.reason()).doesNotContain(KEY));
    assertThat(events).noneMatch(e -> e.contains(KEY));
  }

  @Test
  void aModelNotFoundCooldownEndsWhenTheModelIdChanges() {
    RouterConfig before = config(DeploymentBuilder.of("g", "groq/llama-old").id("a"));
    coolWith(start(before, KEY), new ModelNotFoundException("groq HTTP 404: model not found", ctx(404, "a")));

    Router same = start(before, KEY);
    assertThat(status(same).availableNow()).isFalse();
    same.close();
    // A new key is no fix for a missing model.
    Router newKey = start(before, NEW_KEY);
    assertThat(status(newKey).availableNow()).isFalse();
    newKey.close();

    Router fixed = start(config(DeploymentBuilder.of("g", "groq/llama-new").id("a")), KEY);
    assertThat(status(fixed).availableNow()).isTrue();
    assertThat(fixed.chat(ask("g")).route().providerModel()).isEqualTo("llama-new");
  }

  @Test
  void aRateLimitCooldownIsNotEndedByANewKey() {
    RouterConfig config = config(dep("g", "a"));
    Instant reset = clock.instant().plus(Duration.ofHours(5));
    provider.fail("a", rateLimited("a", io.llmrouter.api.RateScope.DAY, null, reset));
    Router first = start(config, KEY);
    assertThatThrownBy(() -> first.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    first.close();
    Router second = start(config, NEW_KEY);
    assertThat(status(second).availableAt()).isEqualTo(reset);
  }

  @Test
  void anOldStateFileWithBareDeadlinesIsStillRead() throws IOException {
    Instant until = clock.instant().plus(Duration.ofHours(2));
    Files.writeString(file(), "{\"cooldowns\":{\"a\":\"" + until + "\"},\"daily\":{\"a\":{\"2026-03-01\":7}}}");
    try (JsonFileStateStore store = JsonFileStateStore.open(file(), clock)) {
      assertThat(store.cooldowns()).containsEntry("a", until);
      assertThat(store.cooldownRecords().get("a")).isEqualTo(CooldownRecord.limit(until, null));
      assertThat(store.daily("a", java.time.LocalDate.parse("2026-03-01"))).isEqualTo(7);
    }
    Router r = start(config(dep("g", "a")), NEW_KEY);
    assertThat(status(r).availableAt()).isEqualTo(until);
  }

  @Test
  void theNewShapeRoundTripsAndAnUnknownCauseEndsByTimeOnly() throws IOException {
    Instant until = clock.instant().plusSeconds(600);
    try (JsonFileStateStore store = JsonFileStateStore.open(file(), clock)) {
      store.putCooldown("a", new CooldownRecord(until, "AuthenticationException: 401", CooldownRecord.Cause.AUTHENTICATION, "0123abcd0123abcd"));
      // A shorter deadline never replaces a live one, whatever its cause.
      store.putCooldown("a", CooldownRecord.limit(until.minusSeconds(60), "x"));
    }
    try (JsonFileStateStore store = JsonFileStateStore.open(file(), clock)) {
      assertThat(store.cooldownRecords().get("a"))
          .isEqualTo(new CooldownRecord(until, "AuthenticationException: 401", CooldownRecord.Cause.AUTHENTICATION, "0123abcd0123abcd"));
    }
    Files.writeString(file(), "{\"cooldowns\":{\"a\":{\"until\":\"" + until + "\",\"cause\":\"SOMETHING_NEWER\"}}}");
    try (JsonFileStateStore store = JsonFileStateStore.open(file(), clock)) {
      assertThat(store.cooldownRecords().get("a").cause()).isEqualTo(CooldownRecord.Cause.LIMIT);
    }
  }
}
