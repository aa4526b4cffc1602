package io.llmrouter.core;

import static io.llmrouter.core.PolicyFixture.ask;
import static io.llmrouter.core.PolicyFixture.byId;
import static io.llmrouter.core.PolicyFixture.dep;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.core.FallbackPlanner.Candidates;
import io.llmrouter.core.FallbackPlanner.Kind;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FallbackPlanner} on its own: which list each error uses, and the breadth-first plan. */
class FallbackPlannerTest {
  final PolicyFixture f = new PolicyFixture();
  DeploymentRegistry registry;

  static final LlmRouterException DOWN = new ProviderUnavailableException("503", ScriptedProvider.errorContext(503, "groq", "x"));
  static final LlmRouterException TOO_LONG = new ContextWindowExceededException("ctx", ScriptedProvider.errorContext(400, "groq", "x"));
  static final LlmRouterException POLICY = new ContentPolicyException("policy", ScriptedProvider.errorContext(400, "groq", "x"));

  static RouterConfigBuilder groups(String... names) {
    RouterConfigBuilder b = RouterConfig.builder();
    for (String n : names) b.deployment(dep(n, n + "1"));
    return b;
  }

  FallbackPlanner planner(RouterConfigBuilder b) {
    RouterConfig config = b.build();
    registry = f.registry(config);
    return new FallbackPlanner(config.router(), registry, f.listeners);
  }

  @Test
  void kindsNameTheirConfigKeys() {
    assertThat(Kind.FALLBACKS.key).isEqualTo("fallbacks");
    assertThat(Kind.DEFAULT_FALLBACKS.key).isEqualTo("default_fallbacks");
    assertThat(Kind.REQUEST_FALLBACKS.key).isEqualTo("request_fallbacks");
    assertThat(Kind.CONTEXT_WINDOW_FALLBACKS.key).isEqualTo("context_window_fallbacks");
    assertThat(Kind.CONTENT_POLICY_FALLBACKS.key).isEqualTo("content_policy_fallbacks");
  }

  @Test
  void candidatesFollowTheGroupsFallbacksThenTheDefaults() {
    FallbackPlanner p = planner(groups("g", "h", "i").fallbacks("g", "h", "i").defaultFallbacks("h"));
    RequestState rs = f.request("g");
    assertThat(p.candidates("g", DOWN, rs)).isEqualTo(new Candidates(Kind.FALLBACKS, List.of("h", "i")));
    assertThat(p.candidates("i", DOWN, rs)).isEqualTo(new Candidates(Kind.DEFAULT_FALLBACKS, List.of("h")));
    // no map for these errors: the generic lists apply
    assertThat(p.candidates("g", TOO_LONG, rs)).isEqualTo(new Candidates(Kind.FALLBACKS, List.of("h", "i")));
    assertThat(p.candidates("i", POLICY, rs)).isEqualTo(new Candidates(Kind.DEFAULT_FALLBACKS, List.of("h")));
  }

  @Test
  void withoutAnyFallbacksTheDefaultsAreEmpty() {
    FallbackPlanner p = planner(groups("g", "h"));
    assertThat(p.candidates("g", DOWN, f.request("g"))).isEqualTo(new Candidates(Kind.DEFAULT_FALLBACKS, List.of()));
  }

  @Test
  void theRequestsOwnFallbacksApplyToTheRequestedGroupOnly() {
    FallbackPlanner p = planner(groups("g", "h", "i").fallbacks("g", "h").fallbacks("h", "i"));
    RequestState rs = f.request(ask("g").fallbacks(List.of("i")).build());
    assertThat(p.candidates("g", DOWN, rs)).isEqualTo(new Candidates(Kind.REQUEST_FALLBACKS, List.of("i")));
    assertThat(p.candidates("h", DOWN, rs)).isEqualTo(new Candidates(Kind.FALLBACKS, List.of("i")));
  }

  @Test
  void contextWindowAndContentPolicyErrorsUseTheirOwnMaps() {
    FallbackPlanner p = planner(groups("g", "h", "i", "j").fallbacks("g", "h").fallbacks("h", "i")
        .contextWindowFallbacks("g", "j").contentPolicyFallbacks("g", "i").defaultFallbacks("h"));
    RequestState rs = f.request(ask("g").fallbacks(List.of("h")).build());
    assertThat(p.candidates("g", TOO_LONG, rs)).isEqualTo(new Candidates(Kind.CONTEXT_WINDOW_FALLBACKS, List.of("j")));
    assertThat(p.candidates("g", POLICY, rs)).isEqualTo(new Candidates(Kind.CONTENT_POLICY_FALLBACKS, List.of("i")));
    // a map present without the group: no fallback for this error (LiteLLM), not the generic lists
    assertThat(p.candidates("h", TOO_LONG, rs)).isEqualTo(new Candidates(Kind.CONTEXT_WINDOW_FALLBACKS, List.of()));
    assertThat(p.candidates("i", POLICY, rs)).isEqualTo(new Candidates(Kind.CONTENT_POLICY_FALLBACKS, List.of()));
    // other errors are untouched by those maps
    assertThat(p.candidates("g", DOWN, rs)).isEqualTo(new Candidates(Kind.REQUEST_FALLBACKS, List.of("h")));
    assertThat(p.candidates("h", DOWN, rs)).isEqualTo(new Candidates(Kind.FALLBACKS, List.of("i")));
  }

  @Test
  void aPlanVisitsBreadthFirstEachGroupOnce() {
    FallbackPlanner p = planner(groups("g", "h", "i", "j", "k").fallbacks("g", "h", "i").fallbacks("h", "j", "i")
        .fallbacks("i", "j").defaultFallbacks("k"));
    RequestState rs = f.request("g");
    FallbackPlanner.Plan plan = p.plan(rs);
    assertThat(plan.current().name).isEqualTo("g");
    assertThat(plan.firstChoice()).isTrue();
    List<String> visited = new ArrayList<>();
    ModelGroup next;
    while ((next = plan.next(DOWN)) != null) {
      visited.add(next.name);
      assertThat(plan.current()).isSameAs(next);
      assertThat(plan.firstChoice()).isFalse();
    }
    assertThat(visited).containsExactly("h", "i", "j", "k");
    assertThat(rs.fallbacksSoFar()).containsExactly("h", "i", "j", "k");
    assertThat(f.events).containsExactly("fallback g->h fallbacks", "fallback g->i fallbacks", "fallback h->j fallbacks",
        "fallback j->k default_fallbacks");
    assertThat(plan.fallbackLeft()).isFalse();
  }

  @Test
  void aPlanStopsAtMaxFallbacks() {
    FallbackPlanner p = planner(groups("g", "h", "i", "j").fallbacks("g", "h", "i", "j").maxFallbacks(2));
    RequestState rs = f.request("g");
    FallbackPlanner.Plan plan = p.plan(rs);
    assertThat(plan.fallbackLeft()).isTrue();
    assertThat(plan.next(DOWN).name).isEqualTo("h");
    assertThat(plan.fallbackLeft()).isTrue();
    assertThat(plan.next(DOWN).name).isEqualTo("i");
    assertThat(plan.fallbackLeft()).isFalse();
    assertThat(plan.next(DOWN)).isNull();
    assertThat(rs.fallbacksSoFar()).containsExactly("h", "i");
  }

  @Test
  void maxFallbacksZeroAndDisableFallbacksAllowNone() {
    FallbackPlanner none = planner(groups("g", "h").fallbacks("g", "h").maxFallbacks(0));
    FallbackPlanner.Plan p0 = none.plan(f.request("g"));
    assertThat(p0.fallbackLeft()).isFalse();
    assertThat(p0.next(DOWN)).isNull();

    FallbackPlanner p = planner(groups("g", "h").fallbacks("g", "h"));
    RequestState rs = f.request(ask("g").disableFallbacks(true).build());
    FallbackPlanner.Plan plan = p.plan(rs);
    assertThat(plan.fallbackLeft()).isFalse();
    assertThat(plan.laterAvailableAt(null, f.now())).isEqualTo(Long.MAX_VALUE);
    assertThat(plan.next(DOWN)).isNull();
    assertThat(plan.firstChoice()).isFalse();
    assertThat(rs.fallbacksSoFar()).isEmpty();
    assertThat(f.events).isEmpty();
  }

  @Test
  void fallbackLeftAnswersForTheCurrentGroup() {
    FallbackPlanner p = planner(groups("g", "h", "i").fallbacks("g", "h"));
    FallbackPlanner.Plan plan = p.plan(f.request("g"));
    assertThat(plan.fallbackLeft()).isTrue();
    plan.next(DOWN);
    // h has no fallbacks and there are no defaults
    assertThat(plan.fallbackLeft()).isFalse();
    assertThat(plan.next(DOWN)).isNull();

    // the request's own list, when it only names the requested group, leaves nothing
    FallbackPlanner.Plan own = p.plan(f.request(ask("g").fallbacks(List.of("g")).build()));
    assertThat(own.fallbackLeft()).isFalse();
    FallbackPlanner.Plan other = p.plan(f.request(ask("g").fallbacks(List.of("i")).build()));
    assertThat(other.fallbackLeft()).isTrue();
    assertThat(other.next(DOWN).name).isEqualTo("i");
    assertThat(f.events).contains("fallback g->i request_fallbacks");
  }

  @Test
  void laterAvailableAtIsTheEarliestGroupAfterTheCurrentOneNowWhenOneAdmits() {
    FallbackPlanner p = planner(RouterConfig.builder().deployment(dep("g", "g1")).deployment(dep("h", "h1")).deployment(dep("h", "h2"))
        .deployment(dep("i", "i1").apiKeyEnv("UNSET_VAR")).fallbacks("g", "h", "i").contextWindowFallbacks("h", "g"));
    RequestState rs = f.request("g");
    FallbackPlanner.Plan plan = p.plan(rs);
    long now = f.now();
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(now);
    byId(registry, "h1").state.open(now + 10_000, false);
    assertThat(plan.laterAvailableAt(null, now)).as("h2 is still free").isEqualTo(now);
    byId(registry, "h2").state.open(now + 20_000, false);
    // h cools (h1 until +10 s, h2 until +20 s), i has no key and never admits: h1's end is the earliest
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(now + 10_000);
    assertThat(plan.laterAvailableAt(DOWN, now)).isEqualTo(now + 10_000);
    f.clock.advance(Duration.ofSeconds(10));
    assertThat(plan.laterAvailableAt(null, f.now())).isEqualTo(f.now());
    // a context-window error of g has no fallback (the map names only h)
    assertThat(plan.laterAvailableAt(TOO_LONG, f.now())).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void laterAvailableAtLooksThroughTheWholeChainInTheBudget() {
    FallbackPlanner p = planner(groups("g", "h", "i").fallbacks("g", "h").fallbacks("h", "i").maxFallbacks(2));
    RequestState rs = f.request("g");
    FallbackPlanner.Plan plan = p.plan(rs);
    long now = f.now();
    byId(registry, "h1").state.open(now + 30_000, false);
    byId(registry, "i1").state.open(now + 5_000, false);
    // i is h's fallback, two steps away and within the budget: it frees first
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(now + 5_000);
    plan.next(DOWN);
    assertThat(plan.current().name).isEqualTo("h");
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(now + 5_000);
    plan.next(DOWN);
    // on i, the last group, nothing is left
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void laterAvailableAtStopsAtTheFallbackBudget() {
    FallbackPlanner p = planner(groups("g", "h", "i").fallbacks("g", "h").fallbacks("h", "i").maxFallbacks(1));
    RequestState rs = f.request("g");
    FallbackPlanner.Plan plan = p.plan(rs);
    long now = f.now();
    byId(registry, "h1").state.open(now + 30_000, false);
    // i would free at once, but reaching it takes a second fallback
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(now + 30_000);
    plan.next(DOWN);
    assertThat(plan.laterAvailableAt(null, now)).isEqualTo(Long.MAX_VALUE);
  }
}
