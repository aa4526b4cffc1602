package io.llmrouter.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} kept in one local JSON file, for a single node that must remember cooldowns and
 * daily counters across restarts. Deadlines are stored as absolute ISO instants, so the remaining time
 * after a restart is the true one.
 *
 * <p>Writes are atomic (a temporary file in the same directory, then a rename). A cooldown change is
 * written at once; counter increments are written behind, at most once per {@code flushInterval} of the
 * injected clock, and on {@link #close()}, so the request path never waits for the disk on every call.
 * A file that cannot be parsed is logged, kept aside as {@code <name>.corrupt}, and the store starts
 * empty. Thread-safe.
 *
 * <p>File shape: {@code {"cooldowns": {"<id>": {"until": "<instant>", "reason": "...", "cause":
 * "LIMIT|AUTHENTICATION|MODEL_NOT_FOUND", "fingerprint": "<hex>"}}, "daily": {"<id>": {"<yyyy-mm-dd>": n}}}}.
 * The older shape, {@code "<id>": "<instant>"}, is still read (as a {@code LIMIT} cooldown). A fingerprint
 * is a salted, truncated hash; no key is ever written.
 */
public final class JsonFileStateStore extends InMemoryStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(JsonFileStateStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;
  private final long flushIntervalMillis;
  private final Object writeLock = new Object();
  private volatile long lastFlushMillis;
  private volatile boolean dirty;

  private JsonFileStateStore(Path file, Clock clock, Duration flushInterval) {
    this.file = Objects.requireNonNull(file, "file");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.flushIntervalMillis = flushInterval.toMillis();
    load();
    this.lastFlushMillis = clock.millis();
  }

  /**
   * Opens (or creates on first write) the store at {@code file}.
   *
   * @param clock the clock deciding when counters are written behind
   * @param flushInterval the longest time a counter increment stays unwritten
   * @throws UncheckedIOException when an existing file cannot be read
   */
  public static JsonFileStateStore open(Path file, Clock clock, Duration flushInterval) {
    return new JsonFileStateStore(file, clock, flushInterval);
  }

  /** Opens the store at {@code file} with a one-second write-behind interval. */
  public static JsonFileStateStore open(Path file, Clock clock) {
    return open(file, clock, Duration.ofSeconds(1));
  }

  /** The file this store writes. */
  public Path file() {
    return file;
  }

  @Override
  public void putCooldown(String deploymentId, Instant until, String reason) {
    super.putCooldown(deploymentId, until, reason);
    flush();
  }

  @Override
  public void putCooldown(String deploymentId, CooldownRecord cooldown) {
    super.putCooldown(deploymentId, cooldown);
    flush();
  }

  @Override
  public void clearCooldown(String deploymentId) {
    super.clearCooldown(deploymentId);
    flush();
  }

  @Override
  public long incrementDaily(String deploymentId, LocalDate day, long delta) {
    long v = super.incrementDaily(deploymentId, day, delta);
    dirty = true;
    if (clock.millis() - lastFlushMillis >= flushIntervalMillis) flush();
    return v;
  }

  /** Writes the current state to the file now, atomically. */
  public void flush() {
    synchronized (writeLock) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode cds = root.putObject("cooldowns");
      cooldownRecords().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        CooldownRecord c = e.getValue();
        ObjectNode n = cds.putObject(e.getKey());
        n.put("until", c.until().toString());
        if (c.reason() != null) n.put("reason", c.reason());
        n.put("cause", c.cause().name());
        if (c.fingerprint() != null) n.put("fingerprint", c.fingerprint());
      });
      ObjectNode daily = root.putObject("daily");
      dailySnapshot().forEach((k, v) -> {
        ObjectNode per = daily.has(k.deploymentId()) ? (ObjectNode) daily.get(k.deploymentId()) : daily.putObject(k.deploymentId());
        per.put(k.day().toString(), v);
      });
      try {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
          JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
          try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(tmp);
        }
        dirty = false;
        lastFlushMillis = clock.millis();
      } catch (IOException e) {
        // Losing a write is better than failing the request that caused it; the next write retries.
        LOG.warn("cannot write router state file {}: {}", file, e.toString());
      }
    }
  }

  private void load() {
    if (!Files.exists(file)) return;
    try {
      JsonNode root = JSON.readTree(file.toFile());
      JsonNode cds = root.path("cooldowns");
      for (Iterator<Map.Entry<String, JsonNode>> it = cds.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (v.isTextual()) {
          restoreCooldown(e.getKey(), Instant.parse(v.asText()));
        } else {
          JsonNode cause = v.get("cause");
          restoreCooldown(e.getKey(), new CooldownRecord(Instant.parse(v.path("until").asText()),
              v.hasNonNull("reason") ? v.get("reason").asText() : null,
              causeOf(cause == null ? null : cause.asText()),
              v.hasNonNull("fingerprint") ? v.get("fingerprint").asText() : null));
        }
      }
      JsonNode daily = root.path("daily");
      for (Iterator<Map.Entry<String, JsonNode>> it = daily.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        for (Iterator<Map.Entry<String, JsonNode>> days = e.getValue().fields(); days.hasNext(); ) {
          Map.Entry<String, JsonNode> d = days.next();
          restoreDaily(e.getKey(), LocalDate.parse(d.getKey()), d.getValue().asLong());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("router state file {} is unreadable ({}); starting empty, keeping it as .corrupt", file, e.toString());
      try {
        Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new UncheckedIOException("cannot set aside unreadable state file " + file, moveFailed);
      }
    }
  }

  // A cause this version does not know (a newer writer) ends by time alone rather than making the file unreadable.
  private static CooldownRecord.Cause causeOf(String name) {
    for (CooldownRecord.Cause c : CooldownRecord.Cause.values()) {
      if (c.name().equals(name)) return c;
    }
    return CooldownRecord.Cause.LIMIT;
  }

  @Override
  public void close() {
    if (dirty) flush();
  }
}
