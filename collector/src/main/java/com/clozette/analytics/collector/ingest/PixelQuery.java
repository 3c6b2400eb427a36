package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.event.EventFields;
import com.clozette.analytics.event.InvalidEventException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The event in a pixel's query string, read in one pass straight into its fields: no parameter map,
 * no JSON tree. Splits and decodes exactly as Netty's {@link QueryStringDecoder} with
 * {@code semicolonIsNormalChar} and a limit of {@value #MAX_PARAMETERS} parameters did before (the
 * first value of a field wins, '+' is a space, a malformed %-escape in any parameter read is refused);
 * {@code PixelQueryTest} holds the two side by side. Only the event's own fields are decoded; other
 * parameters (cache busters and the like) are skipped once their escapes are checked.
 */
final class PixelQuery implements EventFields {
  /** Parameters past this many are not read: a pixel carries a dozen at most. */
  static final int MAX_PARAMETERS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NAMES = {"id", "site", "type", "url", "ref", "vid", "name", "platform", "props", "created", "sent"};
  private static final int PROPS = 8;
  private static final int CREATED = 9;
  private static final int SENT = 10;

  private final String[] values = new String[NAMES.length];

  private PixelQuery() {}

  /**
   * @param uri the request's URI: path and query
   * @throws IllegalArgumentException for a malformed %-escape
   */
  static PixelQuery parse(String uri) {
    PixelQuery query = new PixelQuery();
    int length = uri.length();
    int from = 0;
    while (from < length && uri.charAt(from) != '?' && uri.charAt(from) != '#') {
      from++;
    }
    if (from < length && uri.charAt(from) == '?') {
      from++;
    }
    int remaining = MAX_PARAMETERS;
    int nameStart = from;
    int valueStart = -1;
    int i;
    loop:
    for (i = from; i < length; i++) {
      switch (uri.charAt(i)) {
        case '=' -> {
          if (nameStart == i) {
            nameStart = i + 1;
          } else if (valueStart < nameStart) {
            valueStart = i + 1;
          }
        }
        case '&' -> {
          if (query.add(uri, nameStart, valueStart, i) && --remaining == 0) {
            return query;
          }
          nameStart = i + 1;
        }
        case '#' -> {
          break loop;
        }
        default -> { }
      }
    }
    query.add(uri, nameStart, valueStart, i);
    return query;
  }

  /** One parameter; false when its range is empty (it does not count towards the limit). */
  private boolean add(String uri, int nameStart, int valueStart, int valueEnd) {
    if (nameStart >= valueEnd) {
      return false;
    }
    if (valueStart <= nameStart) {
      valueStart = valueEnd + 1;
    }
    int nameEnd = valueStart - 1;
    int field = field(uri, nameStart, nameEnd);
    if (field >= 0 && values[field] == null) {
      values[field] = decode(uri, valueStart, valueEnd);
    } else if (indexOf(uri, '%', valueStart, valueEnd) >= 0) {
      decode(uri, valueStart, valueEnd); // checked, as the decoder did, though not kept
    }
    return true;
  }

  private static int field(String uri, int start, int end) {
    String name;
    if (indexOf(uri, '%', start, end) >= 0 || indexOf(uri, '+', start, end) >= 0) {
      name = decode(uri, start, end);
    } else {
      for (int f = 0; f < NAMES.length; f++) {
        if (NAMES[f].length() == end - start && uri.regionMatches(start, NAMES[f], 0, end - start)) {
          return f;
        }
      }
      return -1;
    }
    for (int f = 0; f < NAMES.length; f++) {
      if (NAMES[f].equals(name)) {
        return f;
      }
    }
    return -1;
  }

  private static String decode(String uri, int start, int end) {
    if (start >= end) {
      return "";
    }
    return QueryStringDecoder.decodeComponent(uri.substring(start, end), StandardCharsets.UTF_8);
  }

  private static int indexOf(String uri, char c, int start, int end) {
    for (int i = start; i < end; i++) {
      if (uri.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** The device's creation time parameter as sent, or null. */
  String created() {
    return values[CREATED];
  }

  /** The device's send time parameter as sent, or null. */
  String sent() {
    return values[SENT];
  }

  /** The props parameter as sent, or null. */
  String rawProps() {
    return values[PROPS];
  }

  @Override
  public String text(String field) {
    for (int f = 0; f < PROPS; f++) {
      if (NAMES[f].equals(field)) {
        return values[f];
      }
    }
    return null;
  }

  /** Not read from the query: the collector tells the time. */
  @Override
  public long ts() throws InvalidEventException {
    throw new InvalidEventException("missing_ts", "ts is required");
  }

  @Override
  public String props() throws InvalidEventException {
    String props = values[PROPS];
    if (props == null) {
      return null;
    }
    try {
      JsonNode parsed = JSON.readTree(props);
      if (parsed != null && parsed.isObject()) {
        return parsed.toString();
      }
    } catch (JsonProcessingException e) {
      // refused below, as any other value that is not an object
    }
    throw new InvalidEventException("invalid_props", "props must be a JSON object");
  }
}
