package io.llmrouter.facade;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads a chat or embeddings request body and turns Jackson's failures into messages for the API's users: the field's
 * JSON path ({@code messages}, {@code messages[0].role}), what was expected and what came, in JSON's own
 * words ("an integer", "a string"), never a Java type or a Jackson class name. Stateless, thread-safe.
 */
final class RequestBody {
  private static final int MAX_QUOTED_VALUE = 40;
  // A client's 1.5 for an integer field is a mistake to name, not a value to truncate silently (OpenAI
  // refuses it too); provider answers keep the shared mapper's leniency.
  private static final ObjectReader CHAT_READER = Json.mapper().readerFor(ChatRequest.class)
      .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  private static final ObjectReader EMBEDDING_READER = Json.mapper().readerFor(EmbeddingRequest.class)
      .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private RequestBody() {}

  /** Thrown for a body that is not JSON at all; the facade answers 400 {@code invalid_json}. */
  static final class MalformedJsonException extends Exception {
    MalformedJsonException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses {@code body} (not empty) into a chat request.
   *
   * @throws MalformedJsonException when the body is not well-formed JSON
   * @throws InvalidRequestException when it is JSON but a field has the wrong type or value; {@code field()}
   *     is the field's JSON path, or null when the body as a whole is not a JSON object
   */
  static ChatRequest parseChat(byte[] body) throws MalformedJsonException {
    return parse(body, CHAT_READER);
  }

  /**
   * Parses {@code body} (not empty) into an embeddings request, with the same errors as {@link #parseChat}.
   *
   * @throws MalformedJsonException when the body is not well-formed JSON
   * @throws InvalidRequestException when a field has the wrong type ({@code field()} is its JSON path)
   */
  static EmbeddingRequest parseEmbedding(byte[] body) throws MalformedJsonException {
    return parse(body, EMBEDDING_READER);
  }

  private static <T> T parse(byte[] body, ObjectReader reader) throws MalformedJsonException {
    try {
      T request = reader.readValue(body);
      // JSON null is well-formed but no request; Jackson maps it to null rather than failing.
      if (request == null) throw new InvalidRequestException(null, "The request body must be a JSON object, but got null instead.");
      return request;
    } catch (MismatchedInputException e) {
      throw mismatch(e, body);
    } catch (InputCoercionException e) {
      // A number too large for its field; the parser knows where but not which field.
      throw new InvalidRequestException(fieldAt(e), "Invalid value" + forField(fieldAt(e))
          + ": the number is out of range" + Json.locationOf(e) + ".");
    } catch (StreamReadException e) {
      throw new MalformedJsonException("Malformed JSON in request body " + Json.describe(e));
    } catch (JsonMappingException e) {
      InvalidRequestException cause = causeOf(e, InvalidRequestException.class);
      if (cause != null) throw cause;
      String path = path(e.getPath());
      // Parser failures inside a field arrive wrapped with the field's path.
      InputCoercionException range = causeOf(e, InputCoercionException.class);
      if (range != null) {
        throw new InvalidRequestException(path, "Invalid value" + forField(path) + ": the number is out of range"
            + Json.locationOf(range) + ".");
      }
      StreamReadException malformed = causeOf(e, StreamReadException.class);
      if (malformed != null) throw new MalformedJsonException("Malformed JSON in request body " + Json.describe(malformed));
      IllegalArgumentException why = causeOf(e, IllegalArgumentException.class);
      throw new InvalidRequestException(path, "Invalid value" + forField(path)
          + (why != null && why.getMessage() != null ? ": " + why.getMessage() : "") + Json.locationOf(e) + ".");
    } catch (JsonProcessingException e) {
      throw new MalformedJsonException("Malformed JSON in request body " + Json.describe(e));
    } catch (IOException e) {
      // A byte array cannot fail to read; anything else here is malformed input.
      throw new MalformedJsonException("Malformed JSON in request body");
    }
  }

  private static InvalidRequestException mismatch(MismatchedInputException e, byte[] body) {
    String path = path(e.getPath());
    String expected = expected(e.getTargetType());
    String got = describe(nodeAt(body, e.getPath()));
    if (path == null) {
      return new InvalidRequestException(null, "The request body must be a JSON object"
          + (got == null ? "" : ", but got " + got + " instead") + ".");
    }
    return new InvalidRequestException(path, "Invalid type for '" + path + "'"
        + (expected == null ? "" : ": expected " + expected)
        + (got == null ? "" : (expected == null ? ": got " : ", but got ") + got + " instead")
        + Json.locationOf(e) + ".");
  }

  /** {@code messages[0].content} from Jackson's reference chain; null for the body itself. */
  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static String fieldAt(InputCoercionException e) {
    JsonParser p = e.getProcessor();
    if (p == null) return null;
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      else if (c.getCurrentName() != null) parts.add(0, c.getCurrentName());
    }
    StringBuilder sb = new StringBuilder();
    for (String part : parts) {
      if (sb.length() > 0 && !part.startsWith("[")) sb.append('.');
      sb.append(part);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static String forField(String path) {
    return path == null ? "" : " for '" + path + "'";
  }

  /** What the field takes, in JSON's words; null when the target says nothing useful. */
  static String expected(Class<?> t) {
    if (t == null) return null;
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Short.class
        || t == short.class || t == BigInteger.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(t) || t == double.class || t == float.class) return "a number";
    if (t == Boolean.class || t == boolean.class) return "a boolean";
    if (t == String.class || t == Character.class || t == char.class || t.isEnum()) return "a string";
    if (Collection.class.isAssignableFrom(t) || t.isArray()) return "an array";
    if (JsonNode.class.isAssignableFrom(t)) return null;
    // Maps and the API's value types (messages, tools) are JSON objects on the wire.
    if (Map.class.isAssignableFrom(t) || t.getName().startsWith("io.llmrouter.")) return "an object";
    return null;
  }

  /** The JSON kind of {@code n}, quoting short strings: {@code a string ("hot")}. */
  static String describe(JsonNode n) {
    if (n == null) return null;
    if (n.isTextual()) {
      String v = n.textValue();
      return v.length() <= MAX_QUOTED_VALUE ? "a string (\"" + v.replace("\"", "\\\"") + "\")" : "a string";
    }
    if (n.isIntegralNumber()) return "an integer";
    if (n.isNumber()) return "a number";
    if (n.isBoolean()) return "a boolean";
    if (n.isArray()) return "an array";
    if (n.isObject()) return "an object";
    if (n.isNull()) return "null";
    return null;
  }

  private static JsonNode nodeAt(byte[] body, List<JsonMappingException.Reference> refs) {
    JsonNode n;
    try {
      n = Json.mapper().readTree(body);
    } catch (IOException e) {
      return null;
    }
    for (JsonMappingException.Reference r : refs) {
      if (n == null) return null;
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : r.getIndex() >= 0 ? n.get(r.getIndex()) : n;
    }
    return n;
  }

  private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (type.isInstance(c)) return type.cast(c);
    }
    return null;
  }
}
