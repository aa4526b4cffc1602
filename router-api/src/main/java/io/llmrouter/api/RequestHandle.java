package io.llmrouter.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Identifies one request in {@link RouterListener} events, so a listener can tell concurrent requests
 * apart (a metrics listener keys its in-flight state by {@link #id()}). Immutable. (A class rather than a
 * record so the start instant is only materialised when a listener asks for it: the router creates one
 * handle per request on its hot path.)
 */
public final class RequestHandle {
  private final long id;
  private final String requestedGroup;
  private final long startMillis;
  private final String requestId;

  /**
   * @param id unique within the router's lifetime, increasing
   * @param requestedGroup the model group the caller asked for
   * @param startMillis when the router accepted the request, epoch ms of the router's clock
   */
  public RequestHandle(long id, String requestedGroup, long startMillis) {
    this(id, requestedGroup, startMillis, null);
  }

  /**
   * @param id unique within the router's lifetime, increasing
   * @param requestedGroup the model group the caller asked for
   * @param startMillis when the router accepted the request, epoch ms of the router's clock
   * @param requestId the caller's request id ({@link ChatRequest#requestId()}), or null for none
   */
  public RequestHandle(long id, String requestedGroup, long startMillis, String requestId) {
    this.id = id;
    this.requestedGroup = requestedGroup;
    this.startMillis = startMillis;
    this.requestId = requestId;
  }

  /**
   * The caller's request id ({@link ChatRequest#requestId()}: the facade's {@code x-request-id}, the same
   * value its response header and access log carry), or null when the caller gave none. Unlike
   * {@link #id()} it is not guaranteed unique: it is whatever the caller chose.
   */
  public String requestId() {
    return requestId;
  }

  /** Unique within the router's lifetime, increasing. */
  public long id() {
    return id;
  }

  /** The model group the caller asked for. */
  public String requestedGroup() {
    return requestedGroup;
  }

  /** When the router accepted the request (the router's clock). */
  public Instant start() {
    return Instant.ofEpochMilli(startMillis);
  }

  /** {@link #start()} as epoch milliseconds. */
  public long startMillis() {
    return startMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestHandle h && h.id == id && h.startMillis == startMillis && Objects.equals(h.requestedGroup, requestedGroup)
        && Objects.equals(h.requestId, requestId);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  @Override
  public String toString() {
    return "RequestHandle[id=" + id + ", requestedGroup=" + requestedGroup + ", start=" + start()
        + (requestId == null ? "" : ", requestId=" + requestId) + "]";
  }
}
