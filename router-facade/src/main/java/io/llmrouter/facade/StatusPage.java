package io.llmrouter.facade;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.Json;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RouterStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The live status page: three static files (no external assets, so it works offline) and the JSON of
 * {@code Router.status()} they poll. The files hold no data; every value reaches the page through
 * {@code GET /ui/status}, which needs the master key, and the script inserts values as text only.
 */
final class StatusPage {
  /** What the browser may do with the page: only this server's script, style and status endpoint. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
      + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

  /** A static file of the page. */
  record Asset(String contentType, byte[] body) {}

  private static final Map<String, Asset> ASSETS = Map.of(
      "/ui", load("index.html", "text/html; charset=utf-8"),
      "/ui/app.js", load("app.js", "text/javascript; charset=utf-8"),
      "/ui/app.css", load("app.css", "text/css; charset=utf-8"));

  private StatusPage() {}

  /** The static file at {@code path}, or null when it is not one of the page's. */
  static Asset asset(String path) {
    return ASSETS.get(path);
  }

  private static Asset load(String name, String type) {
    try (InputStream in = StatusPage.class.getResourceAsStream("ui/" + name)) {
      if (in == null) throw new IllegalStateException("status page file missing from the jar: ui/" + name);
      return new Asset(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the status page file ui/" + name, e);
    }
  }

  /** {@code Router.status()} as the page reads it (snake_case, ISO-8601 instants, nulls explicit). */
  static String json(RouterStatus s) {
    return json(s, null, null);
  }

  /**
   * As {@link #json(RouterStatus)}, with what an operator must see beside the groups: the served
   * configuration ({@code config}: a failed reload keeps the last good one serving and says why) and the
   * shared-state link ({@code shared_state}), each null when the server has none.
   */
  static String json(RouterStatus s, ReloadStatus reload, io.llmrouter.core.state.SharedState.Status shared) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("at", s.at().toString());
    if (reload == null) {
      root.putNull("config");
    } else {
      ObjectNode c = root.putObject("config");
      c.put("status", reload.failing() ? "reload_failed" : "ok");
      instant(c, "loaded_at", reload.loadedAt());
      c.put("reloads", reload.reloads());
      instant(c, "failed_at", reload.failing() ? reload.failedAt() : null);
      if (reload.failing()) c.put("error", reload.error()); else c.putNull("error");
    }
    if (shared == null) {
      root.putNull("shared_state");
    } else {
      ObjectNode n = root.putObject("shared_state");
      n.put("backend", shared.backend());
      n.put("connected", shared.connected());
      if (shared.detail() == null) n.putNull("detail"); else n.put("detail", shared.detail());
    }
    ArrayNode groups = root.putArray("groups");
    for (RouterStatus.Group g : s.groups()) {
      ObjectNode gn = groups.addObject();
      gn.put("name", g.name());
      gn.put("available_now", g.availableNow());
      instant(gn, "available_at", g.availableAt());
      gn.put("requests_last_hour", g.requestsLastHour());
      gn.put("fallbacks_last_hour", g.fallbacksLastHour());
      ArrayNode ds = gn.putArray("deployments");
      for (RouterStatus.Deployment d : g.deployments()) {
        ObjectNode n = ds.addObject();
        n.put("id", d.deploymentId());
        n.put("provider", d.provider());
        n.put("model", d.model());
        n.put("available_now", d.availableNow());
        instant(n, "available_at", d.availableAt());
        instant(n, "cooling_until", d.coolingUntil());
        if (d.coolingReason() == null) n.putNull("cooling_reason"); else n.put("cooling_reason", d.coolingReason());
        HealthReport.Quota q = d.quota();
        if (q == null) {
          n.putNull("quota");
        } else {
          ObjectNode qn = n.putObject("quota");
          window(qn, "requests", q.requests());
          window(qn, "tokens", q.tokens());
          instant(qn, "blocked_until", q.blockedUntil());
          instant(qn, "observed_at", q.observedAt());
        }
        ObjectNode rpm = n.putObject("rpm");
        rpm.put("used", d.rpmUsed());
        if (d.rpmLimit() == null) rpm.putNull("limit"); else rpm.put("limit", d.rpmLimit());
        ObjectNode tpm = n.putObject("tpm");
        tpm.put("used", d.tpmUsed());
        if (d.tpmLimit() == null) tpm.putNull("limit"); else tpm.put("limit", d.tpmLimit());
        n.put("healthy", d.healthy());
        if (d.healthError() == null) n.putNull("health_error"); else n.put("health_error", d.healthError());
        n.put("in_flight", d.inFlight());
        n.put("requests_last_hour", d.requestsLastHour());
      }
    }
    return Json.write(root);
  }

  private static void instant(ObjectNode n, String name, Instant at) {
    if (at == null) n.putNull(name); else n.put(name, at.toString());
  }

  private static void window(ObjectNode parent, String name, RateSignal.Window w) {
    if (w == null) {
      parent.putNull(name);
      return;
    }
    ObjectNode n = parent.putObject(name);
    if (w.limit() == null) n.putNull("limit"); else n.put("limit", w.limit());
    if (w.remaining() == null) n.putNull("remaining"); else n.put("remaining", w.remaining());
    instant(n, "reset_at", w.resetAt());
    n.put("scope", w.scope().name().toLowerCase(Locale.ROOT));
  }
}
