package io.llmrouter.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An in-process LLM gateway: one OpenAI-compatible chat API over many provider deployments, with rate
 * trackers, retries, reset-aware cooldowns and ordered fallbacks.
 *
 * <p>Policies wrap each call in this order, outermost first:
 *
 * <pre>
 * Fallback(group plan)                 requested group, then its ordered fallbacks (context-window and
 *   -> Retry(per group)                content-policy plans swap in on those errors)
 *     -> Admission(rate tracker,       a deployment that is cooling, over rpm/tpm or told "remaining 0"
 *                  cooldown)           is skipped, never called
 *       -> Timeout                     per attempt, bounded by the request's own deadline
 *         -> HTTP call                 provider client + dialect: a response or a typed error + RateSignal
 * </pre>
 *
 * <p><b>Time.</b> A request has one deadline: its {@link ChatRequest#timeout()} (capped by whoever serves it,
 * for example the HTTP facade's {@code --max-client-timeout}) or the router's {@code request_timeout}. Each
 * attempt gets its own timeout inside it: a stream's {@code stream_timeout} (time to the first chunk with
 * content) or else the deployment's {@code timeout}; a deployment with neither gets {@code request_timeout},
 * but only half of the time left (at least a second) while another deployment or a fallback group could
 * still serve, so a first choice that accepts the request and never answers leaves the rest of the chain
 * time to run. An attempt that times out moves on to the group's next deployment, then to the fallback,
 * while time remains. The deadline holds for streams as for JSON: a stream still open at the deadline (a
 * provider dripping bytes) ends with a {@link RequestTimeoutException} from {@link ChatStream#next()}.
 *
 * <p><b>Waiting for capacity.</b> A deployment at its limits (rpm/tpm windows for the request's estimated
 * tokens, a quota the provider announced, a cooldown or a breaker's next probe) is skipped, never called.
 * When something in the chain (the requested group and the fallbacks the planner would visit, in that
 * order) can serve now, the request goes there without waiting: a fallback that can serve now beats
 * waiting. When nothing can, the router works out when each group admits again and waits where capacity
 * frees first, if that is within the request's deadline (at least {@code retry_after}, and a wait counts
 * as one of the group's {@code num_retries}); then it serves there. When nothing frees within the deadline
 * the request fails at once, without sleeping, with a {@link NoDeploymentAvailableException} that names
 * the nearest reset. Failures keep LiteLLM's retry rules: {@code num_retries} and {@code retry_policy},
 * a 5xx retried on the same group first, a provider's rate-limit hint waited for when it fits, and
 * context-window and content-policy errors sent to their own fallbacks. At most {@code maxWaiting}
 * requests wait at once (a builder setting); beyond it a request that would wait fails at once with a
 * {@link RateLimitedException} whose {@code retryAfter()} is the wait. {@link #chat} and
 * {@link #stream(ChatRequest)} wait on the caller's thread; {@link #chatAsync}, {@link #streamAsync} and
 * {@link #stream(ChatRequest, StreamListener)} hold no thread while they wait.
 *
 * <p>Every call ends in a response or an exception, never silence. Errors are {@link LlmRouterException}s:
 * {@link InvalidRequestException} for a malformed request (it names the field),
 * {@link UnknownModelException} for a model group that does not exist, {@link NoDeploymentAvailableException}
 * when nothing in the chain can serve (with the earliest time something will), or the last provider error
 * when it is not retriable (for example {@link BadRequestException}).
 *
 * <p>Implementations are thread-safe; one router is meant to be shared by the whole application.
 */
public interface Router extends AutoCloseable {

  /**
   * Sends one chat completion and waits for it.
   *
   * @return the response, with its {@link ChatResponse#route()}
   * @throws LlmRouterException when no deployment could serve the request
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Starts a streamed chat completion. Retries and fallbacks happen until the first chunk with content
   * reaches the caller; after that an error ends the stream with a typed exception from
   * {@link ChatStream#next()} and content is never repeated. The call returns once a deployment has
   * produced its first chunk, so the returned stream's {@link ChatStream#route()} already names it.
   *
   * @throws LlmRouterException when no deployment could start the stream
   */
  ChatStream stream(ChatRequest request);

  /**
   * Streams a chat completion to {@code listener} on a router thread. The listener gets exactly one of
   * {@link StreamListener#onComplete} or {@link StreamListener#onError}. Same fallback rule as
   * {@link #stream(ChatRequest)}. While the request waits for capacity it holds no thread (the router
   * built by {@code LlmRouter} resumes it from its scheduler); the opened stream is read on a router thread.
   *
   * @return a handle that cancels the stream when closed (a request still waiting ends with an error)
   */
  AutoCloseable stream(ChatRequest request, StreamListener listener);

  /**
   * Starts a streamed chat completion without blocking the caller: as {@link #stream(ChatRequest)}, but the
   * future completes with the stream once a deployment has produced its first chunk (or fails with the
   * {@link LlmRouterException} {@code stream} would throw). While the request waits for capacity it holds
   * no thread in the router built by {@code LlmRouter}; reading the stream blocks as
   * {@link ChatStream#next()} does. Cancelling the future ends a waiting request (a stream opened after
   * that is closed). The caller closes the stream it gets.
   *
   * <p>The default implementation runs {@link #stream(ChatRequest)} on the common pool, so that
   * {@code Router} implementations written before it existed still compile.
   *
   * @throws LlmRouterException at once when the router is closed or its executor refuses more work
   */
  default CompletableFuture<ChatStream> streamAsync(ChatRequest request) {
    return CompletableFuture.supplyAsync(() -> stream(request));
  }

  /**
   * Sends one chat completion without blocking the caller, on the router's executor. The future fails with
   * a {@link LlmRouterException}. While the request waits for capacity it holds no thread: the router
   * built by {@code LlmRouter} resumes it from its scheduler at the instant capacity frees, so a server can
   * keep many waiting requests without a thread each. Cancelling the future ends a waiting request.
   *
   * @throws LlmRouterException at once when the router is closed or its executor refuses more work
   */
  CompletableFuture<ChatResponse> chatAsync(ChatRequest request);

  /**
   * Creates embeddings ({@code POST /v1/embeddings}), routed like {@link #chat(ChatRequest)}: the requested
   * model group, then its fallbacks; retries, admission (rpm and tpm, with the input's estimated tokens),
   * cooldowns and listener events as for chat. Deployments declared {@code model_info.mode: chat} are not
   * used; a group whose every deployment declares a chat mode is refused.
   *
   * <p>The default implementation throws, so that {@code Router} implementations written before embeddings
   * existed still compile; the router built by {@code LlmRouter} implements it.
   *
   * @return one vector per input, in input order, with its {@link EmbeddingResponse#route()}; base64 strings
   *     when {@link EmbeddingRequest#encodingFormat()} is {@code base64}, whatever the provider supports
   * @throws InvalidRequestException for a malformed request (it names the field, such as {@code input[2]})
   * @throws UnknownModelException for a model group that does not exist
   * @throws LlmRouterException when no deployment could serve the request
   * @throws UnsupportedOperationException when this implementation has no embeddings
   */
  default EmbeddingResponse embed(EmbeddingRequest request) {
    throw new UnsupportedOperationException(getClass().getName() + " does not implement embed");
  }

  /**
   * Creates embeddings without blocking the caller: as {@link #embed(EmbeddingRequest)}, but the future
   * completes with the answer (or fails with the exception {@code embed} would throw). While the request
   * waits for capacity it holds no thread in the router built by {@code LlmRouter}, as for
   * {@link #chatAsync}. Cancelling the future ends a waiting request.
   *
   * <p>The default implementation runs {@link #embed(EmbeddingRequest)} on the common pool, so that
   * {@code Router} implementations written before it existed still compile.
   *
   * @throws LlmRouterException at once when the router is closed or its executor refuses more work
   */
  default CompletableFuture<EmbeddingResponse> embedAsync(EmbeddingRequest request) {
    return CompletableFuture.supplyAsync(() -> embed(request));
  }

  /** The configured model groups, in configuration order, with their availability now. */
  List<ModelGroupStatus> modelGroups();

  /**
   * A read-only snapshot of every model group and deployment now: availability, cooldown until when and
   * why, the provider's quota (remaining, reset), rpm/tpm used against the declared limits, health with
   * the error's first line, and requests and fallbacks in the last hour. Cheap enough to call once per
   * second from a dashboard; it never starts a probe or spends a window entry.
   *
   * <p>The default, for routers that do not track deployments, lists the groups of {@link #modelGroups()}
   * without deployments and with zero counts; the router {@code LlmRouter} builds overrides it.
   */
  default RouterStatus status() {
    List<RouterStatus.Group> groups = new java.util.ArrayList<>();
    for (ModelGroupStatus g : modelGroups()) {
      groups.add(new RouterStatus.Group(g.name(), g.availableNow(), g.availableAt(), 0, 0, List.of()));
    }
    return new RouterStatus(java.time.Instant.now(), groups);
  }

  /**
   * Every deployment that cannot be called now because it is cooling down or its provider reported its
   * quota spent, in configuration order, with until when and why. A deployment whose cooldown has passed
   * (its half-open probe is due) is not listed.
   */
  List<CooldownStatus> cooldowns();

  /**
   * Ends cooldowns and provider quota blocks now, as an operator does after fixing their cause: of the
   * model group named {@code groupOrDeploymentId}, of the deployment with that id, or of every deployment
   * for {@code "all"}. Cleared deployments take full traffic at once (no probe); a persisted cooldown is
   * removed from the state store too.
   *
   * @return how many deployments were cooling or quota-blocked and are not any more
   * @throws UnknownModelException when the name is neither a model group, a deployment id nor {@code all}
   */
  int clearCooldowns(String groupOrDeploymentId);

  /**
   * A recent health report, as LiteLLM's {@code /health} gives it. With background health checks on, the
   * latest background report while it is no older than twice the interval. Otherwise (checks off, no
   * background report yet, or a stale one) a report at most a few seconds old
   * ({@code GeneralSettings.ON_DEMAND_HEALTH_CACHE}, 5 s) is returned as it is, and when there is none
   * the router checks every deployment now, in the configured {@code health_check_mode}, and blocks
   * until that check ends. Concurrent callers share one check (single-flight): each deployment is probed
   * once however many callers wait. Reports from {@link #checkHealth()} count as recent too.
   */
  HealthReport health();

  /**
   * Runs one health check of every deployment now, in the configured {@code health_check_mode}, and
   * returns the report. Always a new check (never the cached report); it also becomes the report
   * {@link #health()} returns while it is recent.
   */
  HealthReport checkHealth();

  /**
   * As {@link #checkHealth()}, in the given mode instead of the configured one.
   */
  HealthReport checkHealth(HealthCheckMode mode);

  /**
   * Stops background work and releases connections. In-flight calls finish or fail; work the router runs
   * on its own executor is awaited (bounded). Afterwards every call is refused with a
   * {@link LlmRouterException}. Idempotent.
   */
  @Override
  void close();
}
