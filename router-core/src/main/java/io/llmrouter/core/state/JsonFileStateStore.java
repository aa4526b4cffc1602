package io.llmrouter.core.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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
 * A damaged file never stops or hangs a start: a file that is not a regular file (a directory, a FIFO,
 * never opened), truncated, garbage or of the wrong shape keeps the entries that can be read, drops the
 * rest, clamps cooldowns beyond {@link #MAX_RESTORED_COOLDOWN}, is kept aside as {@code <name>.corrupt}
 * (the readable entries are written back at once), and logs one warning. Thread-safe.
 *
 * <p>File shape: {@code {"cooldowns": {"<id>": {"until": "<instant>", "reason": "...", "cause":
 * "LIMIT|AUTHENTICATION|MODEL_NOT_FOUND", "fingerprint": "<hex>"}}, "daily": {"<id>": {"<yyyy-mm-dd>": n}}}}.
 * The older shape, {@code "<id>": "<instant>"}, is still read (as a {@code LIMIT} cooldown). A fingerprint
 * is a salted, truncated hash; no key is ever written.
 */
public final class JsonFileStateStore extends InMemoryStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(JsonFileStateStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The longest cooldown restored from a file: a day's reset plus an hour, the most any rate-limit scope
   * the router cools for can mean. A longer one (a hostile or absurd hint, an edited file) is clamped to it.
   */
  public static final Duration MAX_RESTORED_COOLDOWN = Duration.ofHours(25);
  /** A state file larger than this is not ours (a few hundred bytes per deployment): set aside unread. */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private final Path file;
  private final Clock clock;
  private final long flushIntervalMillis;
  private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();
  // Successful writes, for tests.
  private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
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
   * <p>Never throws for the file's content or type; see the class comment.
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
    if (clock.millis() - lastFlushMillis >= flushIntervalMillis) flushIfDue();
    return v;
  }

  /**
   * The write-behind flush of {@link #incrementDaily}: one thread writes; a thread that finds a write
   * under way goes on at once (that write, or the next due one, or {@link #close()}, carries its
   * increment), and the due condition is checked again under the lock, so threads that saw it at the same
   * moment do not rewrite the file one after another.
   */
  private void flushIfDue() {
    if (!writeLock.tryLock()) return;
    try {
      if (clock.millis() - lastFlushMillis >= flushIntervalMillis) flush();
    } finally {
      writeLock.unlock();
    }
  }

  /** How many times the file was written; package-private for tests. */
  long writes() {
    return writes.get();
  }

  /** Writes the current state to the file now, atomically. */
  public void flush() {
    writeLock.lock();
    try {
      // Cleared before the snapshot: an increment made while this write runs marks the store dirty again.
      dirty = false;
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
        writes.incrementAndGet();
        lastFlushMillis = clock.millis();
      } catch (IOException e) {
        dirty = true;
        // Losing a write is better than failing the request that caused it; the next write retries.
        LOG.warn("cannot write router state file {}: {}", file, e.toString());
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void load() {
    // Never open what is not a regular file: opening a FIFO blocks until a writer appears (a hung start),
    // and a directory cannot be read. isRegularFile follows links without opening the target.
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
    Damage damage = new Damage();
    try {
      if (!Files.isRegularFile(file)) {
        damage.fatal("not a regular file");
      } else if (Files.size(file) > MAX_FILE_BYTES) {
        damage.fatal("larger than " + MAX_FILE_BYTES + " bytes");
      } else {
        parse(Files.readAllBytes(file), damage);
      }
    } catch (IOException | RuntimeException e) {
      damage.fatal(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (!damage.any()) return;
    Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
    String kept;
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      kept = "kept it as " + aside.getFileName();
    } catch (IOException | RuntimeException moveFailed) {
      // A start must not fail on this: the store runs from memory and later writes retry.
      kept = "could not set it aside (" + moveFailed.getClass().getSimpleName() + ")";
    }
    LOG.warn("router state file {} is damaged ({}); kept {} cooldowns and {} daily counters, dropped {} entries, clamped {}; {}",
        file, damage.why(), damage.cooldowns, damage.dailies, damage.dropped, damage.clamped, kept);
    if (damage.cooldowns + damage.dailies > 0) flush();
  }

  /**
   * Reads entry by entry with the streaming parser, so a truncated file keeps every entry before the cut;
   * each entry is checked on its own (a bad one is dropped, an absurd instant clamped) and never ends the
   * load.
   */
  private void parse(byte[] bytes, Damage damage) {
    Instant now = clock.instant();
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        damage.fatal("empty");
        return;
      }
      if (first != JsonToken.START_OBJECT) {
        damage.fatal("not a JSON object");
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String section = p.currentName();
        JsonToken t = p.nextToken();
        boolean known = section.equals("cooldowns") || section.equals("daily");
        if (!known || t != JsonToken.START_OBJECT) {
          if (known) damage.drop("'" + section + "' is not an object");
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String id = p.currentName();
          p.nextToken();
          JsonNode v = p.readValueAsTree();
          if (section.equals("cooldowns")) cooldownEntry(id, v, now, damage);
          else dailyEntries(id, v, damage);
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) damage.fatal("unexpected content after the state");
    } catch (IOException | RuntimeException e) {
      damage.fatal("unreadable at " + e.getClass().getSimpleName());
    }
  }

  private void cooldownEntry(String id, JsonNode v, Instant now, Damage damage) {
    JsonNode untilNode = v == null ? null : v.isTextual() ? v : v.isObject() ? v.get("until") : null;
    Instant until = untilNode != null && untilNode.isTextual() ? instant(untilNode.textValue()) : null;
    if (until == null) {
      damage.drop("cooldowns." + id + ": no readable 'until'");
      return;
    }
    // Before the epoch means long over; past now + MAX_RESTORED_COOLDOWN (or the epoch-millisecond range,
    // which once made the start fail with a long overflow) means no scope the router knows.
    if (until.isBefore(Instant.EPOCH)) {
      damage.dropped++;
      return;
    }
    Instant latest = now.plus(MAX_RESTORED_COOLDOWN);
    if (until.isAfter(latest)) {
      until = latest;
      damage.clamped++;
    }
    String reason = v.isObject() && v.hasNonNull("reason") ? v.get("reason").asText() : null;
    JsonNode cause = v.isObject() ? v.get("cause") : null;
    String fingerprint = v.isObject() && v.hasNonNull("fingerprint") ? v.get("fingerprint").asText() : null;
    restoreCooldown(id, new CooldownRecord(until, reason, causeOf(cause == null ? null : cause.asText()), fingerprint));
    damage.cooldowns++;
  }

  private void dailyEntries(String id, JsonNode v, Damage damage) {
    if (v == null || !v.isObject()) {
      damage.drop("daily." + id + " is not an object");
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> days = v.fields(); days.hasNext(); ) {
      Map.Entry<String, JsonNode> d = days.next();
      LocalDate day;
      try {
        day = d.getKey().length() > 12 ? null : LocalDate.parse(d.getKey());
      } catch (DateTimeParseException e) {
        day = null;
      }
      JsonNode n = d.getValue();
      if (day == null || n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
        damage.drop("daily." + id + "." + d.getKey());
        continue;
      }
      restoreDaily(id, day, n.longValue());
      damage.dailies++;
    }
  }

  private static Instant instant(String text) {
    if (text.length() > 40) return null;
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** What a load found wrong; counted so one warning can say it all. */
  private static final class Damage {
    int cooldowns;
    int dailies;
    int dropped;
    int clamped;
    private String first;

    void fatal(String why) {
      if (first == null) first = why;
      else first = first + "; " + why;
    }

    void drop(String why) {
      dropped++;
      if (first == null) first = why;
    }

    boolean any() {
      return first != null || dropped > 0 || clamped > 0;
    }

    String why() {
      return first != null ? first : clamped > 0 ? "cooldowns beyond " + MAX_RESTORED_COOLDOWN.toHours() + " h" : "entries dropped";
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
