package dev.strata.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON for OCI documents: parsing into an order-preserving tree, and canonical bytes out.
 *
 * <p>Canonical means what Go's {@code encoding/json} writes (buildah, skopeo, docker, the
 * registries all do): compact, fields in document order, {@code <>&} and U+2028/U+2029 escaped as a
 * backslash-u escape ("\\u003c"), control characters as {@code \n \r \t} or backslash-u00XX. So a
 * document written by those tools re-serialises to the same bytes, and the same digest.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Parses a JSON document; throws {@link InvalidJsonException} with the parser's reason. */
  public static JsonNode parse(byte[] bytes) {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || n.isMissingNode()) {
        throw new InvalidJsonException("empty document");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new InvalidJsonException(e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidJsonException(e.getMessage());
    }
  }

  /** Parses a document that must be a JSON object. */
  public static ObjectNode parseObject(byte[] bytes) {
    JsonNode n = parse(bytes);
    if (!n.isObject()) {
      throw new InvalidJsonException("expected a JSON object, found " + n.getNodeType());
    }
    return (ObjectNode) n;
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The canonical bytes of a tree (see the class comment). */
  public static byte[] bytes(JsonNode n) {
    StringBuilder sb = new StringBuilder(256);
    write(n, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical text of a tree. */
  public static String text(JsonNode n) {
    StringBuilder sb = new StringBuilder(256);
    write(n, sb);
    return sb.toString();
  }

  /** Indented text for people ({@code strata inspect}); never hashed. */
  public static String pretty(JsonNode n) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(JsonNode n, StringBuilder sb) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        sb.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!first) {
            sb.append(',');
          }
          first = false;
          string(e.getKey(), sb);
          sb.append(':');
          write(e.getValue(), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(n.get(i), sb);
        }
        sb.append(']');
      }
      case STRING -> string(n.textValue(), sb);
      case NUMBER -> {
        if (n.isIntegralNumber()) {
          sb.append(n.bigIntegerValue());
        } else {
          BigDecimal d = n.decimalValue();
          sb.append(d.toString());
        }
      }
      case BOOLEAN -> sb.append(n.booleanValue());
      case NULL -> sb.append("null");
      default -> throw new IllegalArgumentException("not JSON: " + n.getNodeType());
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> unicode(c, sb);
        default -> {
          if (c < 0x20) {
            unicode(c, sb);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void unicode(char c, StringBuilder sb) {
    sb.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
