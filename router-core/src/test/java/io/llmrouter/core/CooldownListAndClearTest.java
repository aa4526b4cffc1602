package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.JsonFileStateStore;
import io.llmrouter.testing.ScriptedProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Router#cooldowns()} lists cooling and quota-blocked deployments; {@link Router#clearCooldowns} ends them. */
class CooldownListAndClearTest extends EngineTestSupport {
  @TempDir Path dir;

  RouterConfig config() {
    return RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b")).deployment(dep("h", "c"))
        .numRetries(0).cooldownTime(Duration.ofHours(24)).build();
  }

  @Test
  void listsEachCoolingOrQuotaBlockedDeploymentWithUntilAndWhyAndClearsByGroupIdOrAll() throws Exception {
    Path file = dir.resolve("state.json");
    Router r = router(config(), JsonFileStateStore.open(file, clock), null);
    Instant reset = clock.instant().plus(Duration.ofHours(6));
    provider.always("a", c -> { throw new AuthenticationException("groq HTTP 401: Invalid API Key", ctx(401, "a")); });
    provider.always("b", c -> { throw rateLimited("b", RateScope.DAY, null, reset); });
    Instant quotaReset = clock.instant().plusSeconds(90);
    provider.always("c", c -> new ProviderResponse<>(ScriptedProvider.chatResponse("m", "ok", ScriptedProvider.DEFAULT_USAGE, 1), 200, Map.of(),
        new RateSignal(new RateSignal.Window(30L, 0L, quotaReset, RateScope.MINUTE), null, null, clock.instant())));
    for (int i = 0; i < 4; i++) {
      try {
        r.chat(ask("g"));
      } catch (LlmRouterException expected) {
        // both deployments of g fail in turn
      }
    }
    r.chat(ask("h"));

    assertThat(r.cooldowns()).extracting(CooldownStatus::deploymentId, CooldownStatus::kind, CooldownStatus::until)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", CooldownStatus.Kind.COOLING, clock.instant().plus(Duration.ofHours(24))),
            org.assertj.core.groups.Tuple.tuple("b", CooldownStatus.Kind.COOLING, reset),
            org.assertj.core.groups.Tuple.tuple("c", CooldownStatus.Kind.QUOTA, quotaReset));
    assertThat(r.cooldowns().get(0).reason()).startsWith("AuthenticationException: groq HTTP 401");
    assertThat(r.cooldowns().get(0).modelGroup()).isEqualTo("g");
    assertThat(r.modelGroups().get(0).availableNow()).isFalse();

    assertThat(r.clearCooldowns("b")).isEqualTo(1);
    assertThat(r.cooldowns()).extracting(CooldownStatus::deploymentId).containsExactly("a", "c");
    assertThat(Files.readString(file)).doesNotContain(reset.toString());
    assertThat(events).contains("cooldown-end b");
    assertThat(r.modelGroups().get(0).availableNow()).isTrue();

    assertThat(r.clearCooldowns("g")).isEqualTo(1);
    assertThat(r.clearCooldowns("g")).isZero();
    assertThat(r.clearCooldowns("all")).isEqualTo(1);
    assertThat(r.cooldowns()).isEmpty();
    assertThat(Files.readString(file)).doesNotContain("AUTHENTICATION");
    // Cleared means called again at once: the deployments of g are back in rotation.
    long before = provider.callsTo("a") + provider.callsTo("b");
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(LlmRouterException.class);
    assertThat(provider.callsTo("a") + provider.callsTo("b")).isEqualTo(before + 1);
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownNames() {
    Router r = router(config());
    assertThatThrownBy(() -> r.clearCooldowns("nope")).isInstanceOfSatisfying(UnknownModelException.class,
        e -> assertThat(e.getMessage()).contains("'nope'").contains("g").contains("c"));
  }
}
