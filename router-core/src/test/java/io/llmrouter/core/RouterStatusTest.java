package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterStatus;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Router#status()}: every group and deployment as it stands, on the router's clock. */
class RouterStatusTest extends EngineTestSupport {

  RouterConfig config() {
    return RouterConfig.builder()
        .deployment(dep("g", "a").rpm(10).tpm(1_000))
        .deployment(dep("h", "b").rpm(5))
        .fallbacks("g", "h")
        .numRetries(0).cooldownTime(Duration.ofHours(24)).build();
  }

  @Test
  void showsWindowsQuotaCooldownHealthAndHourlyCounts() {
    Router r = router(config());
    Instant quotaReset = clock.instant().plusSeconds(90);
    provider.always("b", c -> new ProviderResponse<>(ScriptedProvider.chatResponse("m", "ok", ScriptedProvider.DEFAULT_USAGE, 1), 200,
        Map.of(), new RateSignal(new RateSignal.Window(14_400L, 14_000L, quotaReset, RateScope.DAY), null, null, clock.instant())));
    r.chat(ask("g"));
    r.chat(ask("g"));
    r.chat(ask("h"));

    RouterStatus s = r.status();
    assertThat(s.at()).isEqualTo(clock.instant());
    assertThat(s.groups()).extracting(RouterStatus.Group::name).containsExactly("g", "h");
    RouterStatus.Deployment a = s.groups().get(0).deployments().get(0);
    assertThat(a.deploymentId()).isEqualTo("a");
    assertThat(a.provider()).isEqualTo("groq");
    assertThat(a.model()).isEqualTo("model-a");
    assertThat(a.availableNow()).isTrue();
    assertThat(a.rpmLimit()).isEqualTo(10);
    assertThat(a.rpmUsed()).isEqualTo(2);
    assertThat(a.tpmLimit()).isEqualTo(1_000L);
    assertThat(a.tpmUsed()).isEqualTo(2L * ScriptedProvider.DEFAULT_USAGE.totalTokens());
    assertThat(a.requestsLastHour()).isEqualTo(2);
    assertThat(a.healthy()).isTrue();
    RouterStatus.Deployment b = s.groups().get(1).deployments().get(0);
    assertThat(b.quota().requests().remaining()).isEqualTo(14_000L);
    assertThat(b.quota().requests().resetAt()).isEqualTo(quotaReset);
    assertThat(b.tpmLimit()).isNull();
    assertThat(b.tpmUsed()).isZero();

    // a refuses its key: it cools for the day, the request falls back to h.
    provider.always("a", c -> { throw new AuthenticationException("groq HTTP 401: Invalid API Key", ctx(401, "a")); });
    r.chat(ask("g"));
    s = r.status();
    RouterStatus.Group g = s.groups().get(0);
    a = g.deployments().get(0);
    assertThat(a.availableNow()).isFalse();
    assertThat(a.coolingUntil()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    assertThat(a.availableAt()).isEqualTo(a.coolingUntil());
    assertThat(a.coolingReason()).startsWith("AuthenticationException: groq HTTP 401");
    assertThat(g.availableNow()).isFalse();
    assertThat(g.requestsLastHour()).isEqualTo(3);
    assertThat(g.fallbacksLastHour()).isEqualTo(1);
    assertThat(s.groups().get(1).requestsLastHour()).isEqualTo(1);
    assertThat(s.groups().get(1).deployments().get(0).requestsLastHour()).isEqualTo(2);

    // The windows empty after a minute; the hourly counts after an hour.
    clock.advance(Duration.ofSeconds(61));
    a = r.status().groups().get(0).deployments().get(0);
    assertThat(a.rpmUsed()).isZero();
    assertThat(a.tpmUsed()).isZero();
    assertThat(a.requestsLastHour()).isEqualTo(3);
    clock.advance(Duration.ofMinutes(60));
    s = r.status();
    assertThat(s.groups().get(0).requestsLastHour()).isZero();
    assertThat(s.groups().get(0).fallbacksLastHour()).isZero();
    assertThat(s.groups().get(0).deployments().get(0).requestsLastHour()).isZero();
  }

  @Test
  void hourlyCounterKeepsSixtyMinutes() {
    HourlyCounter c = new HourlyCounter();
    long t0 = clock.millis();
    for (int m = 0; m < 90; m++) c.increment(t0 + m * 60_000L);
    long last = t0 + 89 * 60_000L;
    assertThat(c.lastHour(last)).isEqualTo(60);
    assertThat(c.lastHour(last + 30 * 60_000L)).isEqualTo(30);
    assertThat(c.lastHour(last + 60 * 60_000L)).isZero();
  }
}
