package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every request-scoped event carries its request, and each request ends with exactly one request-end event. */
class RequestEventsTest extends EngineTestSupport {
  record Event(String what, RequestHandle request, RequestEnd end) {}

  final List<Event> seen = new CopyOnWriteArrayList<>();

  private Router routerWithEvents(RouterConfig config) {
    Router r = LlmRouter.builder(config).env(env).clock(clock).sleeper(clock::sleep).providerClient(provider)
        .listener(new RouterListener() {
          @Override
          public void onRequestStart(RequestHandle request) {
            seen.add(new Event("start", request, null));
          }

          @Override
          public void onAttemptStart(RequestHandle request, String group, String id) {
            seen.add(new Event("attempt " + id, request, null));
          }

          @Override
          public void onAttemptEnd(RequestHandle request, Attempt a) {
            seen.add(new Event("attempt-end " + a.deploymentId() + " " + a.outcome(), request, null));
          }

          @Override
          public void onFallback(RequestHandle request, String from, String to, String kind, io.llmrouter.api.LlmRouterException cause) {
            seen.add(new Event("fallback " + from + "->" + to + " " + kind, request, null));
          }

          @Override
          public void onRequestEnd(RequestHandle request, RequestEnd end) {
            seen.add(new Event("end " + end.outcome(), request, end));
          }
        }).build();
    opened.add(r);
    return r;
  }

  @Test
  void aServedRequestReportsItsRouteAttemptsAndUsageUnderOneHandle() {
    Router router = routerWithEvents(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b"))
        .fallbacks("g1", "g2").numRetries(0).build());
    provider.fail("a", new ProviderUnavailableException("503", ctx(503, "a")));
    router.chat(ask("g1"));
    router.chat(ask("g2"));

    assertThat(seen).extracting(Event::what).containsExactly(
        "start", "attempt a", "attempt-end a FAILED", "fallback g1->g2 fallbacks", "attempt b", "attempt-end b SUCCESS", "end SERVED",
        "start", "attempt b", "attempt-end b SUCCESS", "end SERVED");
    RequestHandle first = seen.get(0).request();
    assertThat(seen.subList(0, 7)).allSatisfy(e -> assertThat(e.request()).isEqualTo(first));
    assertThat(seen.get(7).request().id()).isGreaterThan(first.id());
    assertThat(first.requestedGroup()).isEqualTo("g1");
    assertThat(first.start()).isEqualTo(clock.instant());
    RequestEnd end = seen.get(6).end();
    assertThat(end.route().deploymentId()).isEqualTo("b");
    assertThat(end.route().fallbacks()).containsExactly("g2");
    assertThat(end.attempts()).hasSize(2);
    assertThat(end.usage().totalTokens()).isEqualTo(15);
    assertThat(end.error()).isNull();
  }

  @Test
  void aFailedRequestEndsOnceWithTheErrorTheCallerGets() {
    Router router = routerWithEvents(RouterConfig.builder().deployment(dep("g", "a")).numRetries(0).build());
    provider.alwaysFail("a", rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(30), null));
    NoDeploymentAvailableException thrown = null;
    try {
      router.chat(ask("g"));
    } catch (NoDeploymentAvailableException e) {
      thrown = e;
    }
    assertThat(thrown).isNotNull();
    List<Event> ends = seen.stream().filter(e -> e.end() != null).toList();
    assertThat(ends).singleElement().satisfies(e -> {
      assertThat(e.end().outcome()).isEqualTo(RequestEnd.Outcome.FAILED);
      assertThat(e.end().usage()).isNull();
      assertThat(e.end().route()).isNotNull();
      assertThat(e.end().attempts()).isNotEmpty();
    });
    assertThat(ends.get(0).end().error()).isSameAs(thrown);
  }

  @Test
  void everyDeploymentAnswering429IsAllRateLimitedAsTheFacadeAnswers() {
    Router router = routerWithEvents(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b")).numRetries(1).build());
    provider.alwaysFail("a", rateLimited("a", RateScope.MINUTE, null, null));
    provider.alwaysFail("b", rateLimited("b", RateScope.MINUTE, null, null));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOfSatisfying(NoDeploymentAvailableException.class, e -> {
      assertThat(e.reasons()).extracting(NoDeploymentAvailableException.Reason::kind)
          .containsOnly(NoDeploymentAvailableException.Kind.RATE_LIMITED);
      assertThat(e.allRateLimited()).isTrue();
    });
  }

  @Test
  void aStreamEndsItsRequestWhenTheStreamEndsWithTheStreamedUsage() {
    Router router = routerWithEvents(RouterConfig.builder().deployment(dep("g", "a")).build());
    try (ChatStream s = router.stream(ask("g"))) {
      assertThat(seen).extracting(Event::what).doesNotContain("end SERVED");
      ChatChunk c;
      StringBuilder text = new StringBuilder();
      while ((c = s.next()) != null) text.append(c.choices().get(0).delta().text());
      assertThat(text.toString()).isEqualTo("hi there");
    }
    List<Event> ends = seen.stream().filter(e -> e.end() != null).toList();
    assertThat(ends).singleElement().satisfies(e -> {
      assertThat(e.end().outcome()).isEqualTo(RequestEnd.Outcome.SERVED);
      assertThat(e.end().route().deploymentId()).isEqualTo("a");
      // No usage chunk in the script: the router's own estimate (prompt + content chars / 4).
      assertThat(e.end().usage().completionTokens()).isEqualTo("hi there".length() / 4);
    });
  }
}
