package io.llmrouter.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response under construction: status, headers in insertion order, body. Not thread-safe. */
final class Reply {
  static final ObjectMapper JSON = new ObjectMapper();

  final int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  final String body;
  final String contentType;

  Reply(int status, String body, String contentType) {
    this.status = status;
    this.body = body;
    this.contentType = contentType;
  }

  static Reply json(int status, JsonNode body) {
    try {
      return new Reply(status, JSON.writeValueAsString(body), "application/json");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a simulator body", e);
    }
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a simulator body", e);
    }
  }

  Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
