package io.llmrouter.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persistent failure cache ({@code model_cache.json} beside the config): models that failed a probe
 * permanently, per provider, with when and why, so the next run skips them.
 *
 * <p>File format (stable, human-readable):
 * <pre>{"version":1,"providers":{"nvidia_nim":{"meta/x":{"failed_at":"2025-01-06T08:00:00Z","status":404,"reason":"404: ..."}}}}</pre>
 *
 * <p>Only {@link ProbeOutcome.Kind#PERMANENT} outcomes are recorded; {@link #record} ignores every other
 * kind, so no caller can cache a transient failure by mistake. Thread-safe (probes finish on many threads);
 * {@link #save()} writes a temporary file and renames it, so a crash never leaves half a cache.
 */
public final class FailureCache {

  /** One cached failure. @param failedAt when @param status HTTP status @param reason secret-free reason */
  public record Entry(Instant failedAt, int status, String reason) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final Map<String, Map<String, Entry>> byProvider = new TreeMap<>();
  private boolean dirty;

  private FailureCache(Path file) {
    this.file = file;
  }

  /** An empty cache that is never saved (tests, {@code --cache} not wanted). */
  public static FailureCache inMemory() {
    return new FailureCache(null);
  }

  /**
   * Loads the cache at {@code file}; a missing file is an empty cache.
   *
   * @throws ConfigException naming the file when it exists but is not a cache this class wrote
   */
  public static FailureCache load(Path file) {
    FailureCache c = new FailureCache(file);
    if (!Files.exists(file)) return c;
    try {
      JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      JsonNode providers = root == null ? null : root.get("providers");
      if (providers == null || !providers.isObject()) throw new ConfigException(file.toString(), "not a failure cache: no \"providers\" object");
      for (Iterator<Map.Entry<String, JsonNode>> it = providers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        Map<String, Entry> models = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> m = p.getValue().fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> e = m.next();
          JsonNode v = e.getValue();
          models.put(e.getKey(), new Entry(Instant.parse(v.path("failed_at").asText()), v.path("status").asInt(), v.path("reason").asText("")));
        }
        c.byProvider.put(p.getKey(), models);
      }
    } catch (IOException | java.time.format.DateTimeParseException e) {
      throw new ConfigException(file.toString(), "unreadable failure cache (" + e.getClass().getSimpleName() + "); fix or delete it");
    }
    return c;
  }

  /** Where the cache is saved, or null for an in-memory cache. */
  public Path file() {
    return file;
  }

  /** True when {@code modelId} of {@code provider} failed permanently before. */
  public synchronized boolean contains(String provider, String modelId) {
    return byProvider.getOrDefault(provider, Map.of()).containsKey(modelId);
  }

  /** Records a permanent failure at {@code at}; any other kind of outcome is ignored (never cached). */
  public synchronized void record(ProbeOutcome outcome, Instant at) {
    if (outcome.kind() != ProbeOutcome.Kind.PERMANENT) return;
    byProvider.computeIfAbsent(outcome.provider(), k -> new TreeMap<>())
        .put(outcome.modelId(), new Entry(at, outcome.status(), outcome.reason()));
    dirty = true;
  }

  /** Forgets {@code modelId} (it worked on a retest). */
  public synchronized void remove(String provider, String modelId) {
    Map<String, Entry> m = byProvider.get(provider);
    if (m != null && m.remove(modelId) != null) {
      dirty = true;
      if (m.isEmpty()) byProvider.remove(provider);
    }
  }

  /** Clears one provider's entries, or all with {@code null}; returns how many entries were removed. */
  public synchronized int clear(String providerOrNull) {
    int n;
    if (providerOrNull == null) {
      n = byProvider.values().stream().mapToInt(Map::size).sum();
      byProvider.clear();
    } else {
      Map<String, Entry> m = byProvider.remove(providerOrNull);
      n = m == null ? 0 : m.size();
    }
    if (n > 0) dirty = true;
    return n;
  }

  /** A snapshot: provider to (model id to entry), sorted. */
  public synchronized Map<String, Map<String, Entry>> entries() {
    Map<String, Map<String, Entry>> out = new LinkedHashMap<>();
    byProvider.forEach((k, v) -> out.put(k, Map.copyOf(v)));
    return out;
  }

  /** True when something changed since loading or the last save. */
  public synchronized boolean dirty() {
    return dirty;
  }

  /**
   * Writes the cache when it changed (temp file + atomic rename); does nothing for an in-memory cache.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public synchronized void save() {
    if (file == null || !dirty) return;
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ObjectNode providers = root.putObject("providers");
    byProvider.forEach((p, models) -> {
      ObjectNode pn = providers.putObject(p);
      models.forEach((id, e) -> {
        ObjectNode en = pn.putObject(id);
        en.put("failed_at", e.failedAt().toString());
        en.put("status", e.status());
        en.put("reason", e.reason());
      });
    });
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      dirty = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write failure cache " + file, e);
    }
  }
}
